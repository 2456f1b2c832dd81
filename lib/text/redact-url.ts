/**
 * Destination URLs carry their credentials inside them: userinfo (`https://user:pass@…`), the query
 * string (`?token=…`, Azure's `&sig=…`) and the path itself (Slack's `/services/T…/B…/<secret>`,
 * Discord's `/api/webhooks/<id>/<token>`, Teams' `/webhookb2/<guid>@<guid>/IncomingWebhook/<hex>/<guid>`).
 * What may be printed or stored of one is its scheme, host, port and the path segments that read as
 * plain words; everything else becomes `***`. Every message, log line and state file that could hold
 * a destination URL goes through here.
 */

const MASK = '***';

/** An http(s) URL inside free text; it ends at white space, a quote or an angle bracket. */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>`]+/gi;
/** Sentence punctuation that ends a URL in prose rather than belonging to it. */
const TRAILING_PUNCTUATION = /[).,;:!?\]}]+$/;

/** `https://***@hooks.example.com/services/***?***` for `https://u:p@hooks.example.com/services/T0/…?token=x`. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL we can take apart (a URL without its scheme, a typo): none of it is safe to show.
    return '[redacted-url]';
  }
  const userinfo = parsed.username || parsed.password ? `${MASK}@` : '';
  const path = parsed.pathname
    .split('/')
    .map((segment) => (isOpaqueSegment(segment) ? MASK : segment))
    .join('/');
  const query = parsed.search ? `?${MASK}` : '';
  const fragment = parsed.hash ? `#${MASK}` : '';
  return `${parsed.protocol}//${userinfo}${parsed.host}${path}${query}${fragment}`;
}

/** Redacts every http(s) URL found in `text` (error messages, log lines). */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_IN_TEXT, (match) => {
    const trailing = TRAILING_PUNCTUATION.exec(match)?.[0] ?? '';
    return `${redactUrl(match.slice(0, match.length - trailing.length))}${trailing}`;
  });
}

/**
 * A path segment that may be (part of) a credential: anything but a short plain word such as
 * `services`, `api`, `webhooks`, `IncomingWebhook` or a version `v2`. Ids and tokens have digits,
 * punctuation, many capitals or length; words have none of these.
 */
export function isOpaqueSegment(segment: string): boolean {
  if (segment === '') return false;
  if (/^v\d{1,3}$/i.test(segment)) return false;
  if (segment.length > 16) return true;
  if (/[^A-Za-z._-]/.test(segment)) return true;
  return (segment.match(/[A-Z]/g)?.length ?? 0) > 2;
}
