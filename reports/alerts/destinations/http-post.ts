/**
 * One webhook POST, judged the way the outbox needs: only a 2xx is a delivery. Redirects are not
 * followed, with one exception: a single 307 or 308 to the same origin (scheme, host and port),
 * which by definition repeats the same POST with the same body — e.g. a receiver that moved a path.
 * A redirect to another origin would hand the alert, its signature and any credentials to a host
 * nobody configured; a 301/302/303 would turn the POST into a bodiless GET whose 200 proves nothing.
 * Such answers are held in the outbox (they will not change within a run) with their status.
 *
 * Bounds: one deadline (`timeoutMs`) covers connecting, the redirect hop and reading the answer,
 * and at most `SNIPPET_BYTES` of a receiver's answer are read (for the error message).
 */
import { redact } from '../../../lib/log.js';
import { redactUrl } from '../../../lib/text/redact-url.js';

export const MAX_SAME_ORIGIN_REDIRECTS = 1;
const SNIPPET_BYTES = 1024;
const RETRYABLE_STATUS = new Set([408, 425, 429]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

export type PostOutcome =
  /** The receiver took it (2xx). */
  | { readonly kind: 'delivered'; readonly status: number }
  /** Transient (network, timeout, 408/425/429/5xx): worth another attempt now. */
  | { readonly kind: 'retry'; readonly status?: number; readonly problem: string; readonly retryAfterMs?: number }
  /** Will answer the same for the rest of this run (a redirect not followed): next run. */
  | { readonly kind: 'hold'; readonly status: number; readonly problem: string }
  /** The receiver refuses this request (other 4xx): retrying cannot help. */
  | { readonly kind: 'reject'; readonly status: number; readonly problem: string };

export interface PostRequest {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
}

export async function postOnce(request: PostRequest): Promise<PostOutcome> {
  const signal = AbortSignal.timeout(request.timeoutMs);
  let target = request.url;
  for (let redirects = 0; ; redirects += 1) {
    let response: Response;
    try {
      response = await fetch(target, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      return { kind: 'retry', problem: networkProblem(error, request.timeoutMs) };
    }
    if (!REDIRECT_STATUS.has(response.status)) return judge(response);
    const location = redirectTarget(response, target);
    await discard(response);
    if (location && followable(response.status, location, request.url) && redirects < MAX_SAME_ORIGIN_REDIRECTS) {
      target = location;
      continue;
    }
    return { kind: 'hold', status: response.status, problem: redirectProblem(response.status, location, request.url) };
  }
}

function followable(status: number, location: URL, original: URL): boolean {
  return (status === 307 || status === 308) && location.origin === original.origin;
}

function redirectTarget(response: Response, from: URL): URL | undefined {
  const location = response.headers.get('location');
  if (!location) return undefined;
  try {
    return new URL(location, from);
  } catch {
    return undefined;
  }
}

function redirectProblem(status: number, location: URL | undefined, original: URL): string {
  if (!location) return `HTTP ${status} redirect without a valid Location; point the URL at the receiver's final address`;
  const why =
    location.origin !== original.origin
      ? 'another origin'
      : status === 307 || status === 308
        ? 'more than one redirect'
        : 'a 301/302/303 would re-send it as a GET without the alert';
  return `HTTP ${status} redirect to ${redactUrl(location.href)} not followed (${why}); point the URL at its final address`;
}

async function judge(response: Response): Promise<PostOutcome> {
  const status = response.status;
  if (status >= 200 && status < 300) {
    await discard(response);
    return { kind: 'delivered', status };
  }
  const text = await snippet(response);
  const problem = `HTTP ${status}${text ? ` ${text}` : ''}`;
  if (status >= 500 || RETRYABLE_STATUS.has(status)) {
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      kind: 'retry',
      status,
      problem,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    };
  }
  if (status >= 400) return { kind: 'reject', status, problem };
  return { kind: 'hold', status, problem };
}

/** The first bytes of a receiver's answer (its error text is short and useful), one line, redacted. */
async function snippet(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A timeout or reset while reading the error text: the status alone tells what happened.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, 200));
  return redact(text.replace(/\s+/g, ' ').trim());
}

async function discard(response: Response): Promise<void> {
  // Cancelling releases the connection without reading an answer of unknown size.
  await response.body?.cancel().catch(() => undefined);
}

function networkProblem(error: unknown, timeoutMs: number): string {
  const failure = error as Error & { cause?: Error };
  if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  // Only the messages, redacted: undici puts the URL into some of them.
  return redact(`${failure.message}${failure.cause ? ` (${failure.cause.message})` : ''}`);
}
