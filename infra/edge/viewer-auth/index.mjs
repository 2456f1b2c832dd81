/**
 * Lambda@Edge viewer-request check in front of the dashboards: only a viewer holding a valid
 * Cognito ID token (RS256, our pool, our app client, not expired) gets a page; anyone else is sent
 * to the Cognito hosted sign-in, which returns to /_auth/callback with a code exchanged here for the
 * token (kept in an HttpOnly, Secure cookie). Plain JavaScript with no dependencies: Lambda@Edge
 * allows no environment variables, so the settings (user pool, client, domain) are read once per
 * container from an SSM parameter named in config.json, written beside this file at synth time.
 */
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const COOKIE_NAME = 'meshwatch_id';
export const CALLBACK_PATH = '/_auth/callback';

/** Checks an ID token's signature and claims; returns the claims, or null when it must not pass. */
export function verifyIdToken(token, jwks, settings, nowSeconds) {
  const parts = String(token ?? '').split('.');
  if (parts.length !== 3) return null;
  const [headerPart, payloadPart, signaturePart] = parts;
  const header = decodeJson(headerPart);
  const claims = decodeJson(payloadPart);
  if (!header || !claims || header.alg !== 'RS256') return null;
  const jwk = (jwks.keys ?? []).find((key) => key.kid === header.kid);
  if (!jwk) return null;
  const signed = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  if (!verify('RSA-SHA256', signed, createPublicKey({ key: jwk, format: 'jwk' }), signature)) return null;
  const issuer = `https://cognito-idp.${settings.region}.amazonaws.com/${settings.userPoolId}`;
  if (claims.iss !== issuer || claims.aud !== settings.clientId || claims.token_use !== 'id') return null;
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return null;
  return claims;
}

/**
 * Decides what to do with one CloudFront viewer request. `deps` supplies the JWKS, the settings,
 * the clock and `exchangeCode(code, redirectUri)` → id token, so this runs unchanged in tests.
 */
export async function handleViewerRequest(request, deps) {
  const host = header(request, 'host');
  const redirectUri = `https://${host}${CALLBACK_PATH}`;
  if (request.uri === CALLBACK_PATH) {
    const query = new URLSearchParams(request.querystring ?? '');
    const code = query.get('code');
    const idToken = code ? await deps.exchangeCode(code, redirectUri) : null;
    if (!idToken || !verifyIdToken(idToken, deps.jwks, deps.settings, deps.nowSeconds())) return forbidden();
    return redirect(safePath(query.get('state')), [
      `${COOKIE_NAME}=${idToken}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600`,
    ]);
  }
  const token = cookie(request, COOKIE_NAME);
  if (token && verifyIdToken(token, deps.jwks, deps.settings, deps.nowSeconds())) return withHtmlPath(request);
  const login = new URL(`https://${deps.settings.domain}/login`);
  login.searchParams.set('client_id', deps.settings.clientId);
  login.searchParams.set('response_type', 'code');
  login.searchParams.set('scope', 'openid email');
  login.searchParams.set('redirect_uri', redirectUri);
  login.searchParams.set('state', request.uri + (request.querystring ? `?${request.querystring}` : ''));
  return redirect(login.toString(), []);
}

/** Observable Framework links pages without ".html"; the bucket holds "<page>.html". */
export function withHtmlPath(request) {
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  else if (!/\.[A-Za-z0-9]+$/.test(request.uri.split('/').pop() ?? '')) request.uri += '.html';
  return request;
}

function safePath(state) {
  // Only a local path: never let the state send the viewer to another site.
  return state?.startsWith('/') && !state.startsWith('//') ? state : '/';
}

function header(request, name) {
  return request.headers?.[name]?.[0]?.value ?? '';
}

function cookie(request, name) {
  for (const entry of request.headers?.cookie ?? []) {
    for (const part of entry.value.split(';')) {
      const [key, ...rest] = part.trim().split('=');
      if (key === name) return rest.join('=');
    }
  }
  return undefined;
}

function decodeJson(part) {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

function redirect(location, cookies) {
  const headers = {
    location: [{ key: 'Location', value: location }],
    'cache-control': [{ key: 'Cache-Control', value: 'no-store' }],
  };
  if (cookies.length > 0) headers['set-cookie'] = cookies.map((value) => ({ key: 'Set-Cookie', value }));
  return { status: '302', statusDescription: 'Found', headers };
}

function forbidden() {
  return { status: '403', statusDescription: 'Forbidden', body: 'sign-in failed' };
}

// --- runtime wiring (Lambda@Edge only) ---------------------------------------------------------
let runtime;

async function loadRuntime() {
  const { parameterName, parameterRegion } = JSON.parse(readFileSync(new URL('./config.json', import.meta.url), 'utf8'));
  // The Node.js Lambda runtime ships AWS SDK v3; nothing is bundled with this function.
  const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const ssm = new SSMClient({ region: parameterRegion });
  const answer = await ssm.send(new GetParameterCommand({ Name: parameterName }));
  const settings = JSON.parse(answer.Parameter.Value);
  const jwksUrl = `https://cognito-idp.${settings.region}.amazonaws.com/${settings.userPoolId}/.well-known/jwks.json`;
  const jwks = await (await fetch(jwksUrl)).json();
  return {
    settings,
    jwks,
    nowSeconds: () => Math.floor(Date.now() / 1000),
    exchangeCode: async (code, redirectUri) => {
      const response = await fetch(`https://${settings.domain}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: settings.clientId,
          code,
          redirect_uri: redirectUri,
        }),
      });
      return response.ok ? (await response.json()).id_token : null;
    },
  };
}

export async function handler(event) {
  runtime ??= await loadRuntime();
  return handleViewerRequest(event.Records[0].cf.request, runtime);
}
