import { generateKeyPairSync, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JavaScript Lambda@Edge handler, no type declarations
import * as viewerAuth from '../../infra/edge/viewer-auth/index.mjs';

const { CALLBACK_PATH, COOKIE_NAME, handleViewerRequest, verifyIdToken, withHtmlPath } = viewerAuth as {
  CALLBACK_PATH: string;
  COOKIE_NAME: string;
  handleViewerRequest: (request: CloudFrontRequest, deps: Deps) => Promise<Record<string, unknown>>;
  verifyIdToken: (token: string, jwks: Jwks, settings: Settings, now: number) => Record<string, unknown> | null;
  withHtmlPath: (request: CloudFrontRequest) => CloudFrontRequest;
};

interface Settings {
  region: string;
  userPoolId: string;
  clientId: string;
  domain: string;
}
interface Jwks {
  keys: Record<string, unknown>[];
}
interface Deps {
  settings: Settings;
  jwks: Jwks;
  nowSeconds: () => number;
  exchangeCode: (code: string, redirectUri: string) => Promise<string | null>;
}
interface CloudFrontRequest {
  uri: string;
  querystring?: string;
  headers: Record<string, { key?: string; value: string }[]>;
}

const settings: Settings = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_AbCdEf123',
  clientId: 'client123',
  domain: 'nimbuscart.auth.us-east-1.amazoncognito.com',
};
const NOW = 1_790_000_000;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const { privateKey: strangerKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
let jwks: Jwks;

beforeAll(() => {
  jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'key-1', alg: 'RS256', use: 'sig' }] };
});

function token(claims: Record<string, unknown>, key = privateKey, kid = 'key-1'): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', kid })}.${part(claims)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`;
}

const goodClaims = {
  iss: `https://cognito-idp.us-east-1.amazonaws.com/${settings.userPoolId}`,
  aud: settings.clientId,
  token_use: 'id',
  exp: NOW + 600,
  email: 'alice@nimbuscart.example',
};

function request(uri: string, extra: Partial<CloudFrontRequest> = {}): CloudFrontRequest {
  return {
    uri,
    headers: { host: [{ key: 'Host', value: 'd111.cloudfront.net' }], ...extra.headers },
    querystring: extra.querystring,
  };
}

const deps = (exchangeCode: Deps['exchangeCode'] = async () => null): Deps => ({
  settings,
  jwks,
  nowSeconds: () => NOW,
  exchangeCode,
});

describe('viewer-auth verifyIdToken', () => {
  it('accepts a token signed by the pool key for this client', () => {
    expect(verifyIdToken(token(goodClaims), jwks, settings, NOW)).toMatchObject({ email: 'alice@nimbuscart.example' });
  });

  it.each([
    ['expired', token({ ...goodClaims, exp: NOW - 1 })],
    ['for another client', token({ ...goodClaims, aud: 'other-client' })],
    ['from another pool', token({ ...goodClaims, iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' })],
    ['an access token', token({ ...goodClaims, token_use: 'access' })],
    ['signed by another key', token(goodClaims, strangerKey)],
    ['with an unknown key id', token(goodClaims, privateKey, 'key-9')],
    ['not a JWT', 'garbage'],
  ])('rejects a token %s', (_case, candidate) => {
    expect(verifyIdToken(candidate, jwks, settings, NOW)).toBeNull();
  });

  it('rejects a token whose claims were changed after signing', () => {
    const [header, , signature] = token(goodClaims).split('.');
    const forged = Buffer.from(JSON.stringify({ ...goodClaims, email: 'mallory@evil.example' })).toString('base64url');
    expect(verifyIdToken(`${header}.${forged}.${signature}`, jwks, settings, NOW)).toBeNull();
  });
});

describe('viewer-auth handleViewerRequest', () => {
  it('redirects a viewer without a cookie to the Cognito hosted sign-in, remembering the page', async () => {
    // Act
    const response = await handleViewerRequest(request('/pii-access', { querystring: 'table=x' }), deps());

    // Assess
    expect(response.status).toBe('302');
    const location = new URL((response.headers as Record<string, { value: string }[]>).location?.[0]?.value as string);
    expect(location.origin).toBe(`https://${settings.domain}`);
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('client_id')).toBe(settings.clientId);
    expect(location.searchParams.get('redirect_uri')).toBe(`https://d111.cloudfront.net${CALLBACK_PATH}`);
    expect(location.searchParams.get('state')).toBe('/pii-access?table=x');
  });

  it('passes a signed-in viewer through to the origin, mapping clean URLs to .html files', async () => {
    // Prepare
    const cookie = [{ key: 'Cookie', value: `theme=dark; ${COOKIE_NAME}=${token(goodClaims)}` }];

    // Act
    const response = await handleViewerRequest(request('/pii-access', { headers: { cookie } }), deps());

    // Assess
    expect(response.uri).toBe('/pii-access.html');
    expect(response.status).toBeUndefined();
  });

  it('redirects a viewer whose cookie holds an expired token', async () => {
    const cookie = [{ value: `${COOKIE_NAME}=${token({ ...goodClaims, exp: NOW - 5 })}` }];
    const response = await handleViewerRequest(request('/', { headers: { cookie } }), deps());
    expect(response.status).toBe('302');
  });

  it('exchanges the callback code for a token, sets a secure cookie and returns to the page', async () => {
    // Prepare
    const exchanged: [string, string][] = [];
    const exchange = async (code: string, redirectUri: string) => {
      exchanged.push([code, redirectUri]);
      return token(goodClaims);
    };

    // Act
    const response = await handleViewerRequest(
      request(CALLBACK_PATH, { querystring: 'code=abc&state=%2Ffinance' }),
      deps(exchange),
    );

    // Assess
    expect(exchanged).toEqual([['abc', `https://d111.cloudfront.net${CALLBACK_PATH}`]]);
    const headers = response.headers as Record<string, { value: string }[]>;
    expect(headers.location?.[0]?.value).toBe('/finance');
    expect(headers['set-cookie']?.[0]?.value).toMatch(new RegExp(`^${COOKIE_NAME}=.+; Path=/; Secure; HttpOnly; SameSite=Lax`));
  });

  it('never redirects a callback to another site', async () => {
    const response = await handleViewerRequest(
      request(CALLBACK_PATH, { querystring: 'code=abc&state=%2F%2Fevil.example%2F' }),
      deps(async () => token(goodClaims)),
    );
    expect((response.headers as Record<string, { value: string }[]>).location?.[0]?.value).toBe('/');
  });

  it('refuses a callback whose code does not yield a valid token', async () => {
    const response = await handleViewerRequest(
      request(CALLBACK_PATH, { querystring: 'code=bad' }),
      deps(async () => null),
    );
    expect(response.status).toBe('403');
  });
});

describe('viewer-auth withHtmlPath', () => {
  it.each([
    ['/', '/index.html'],
    ['/security/', '/security/index.html'],
    ['/finance', '/finance.html'],
    ['/_file/data/pii.arrow', '/_file/data/pii.arrow'],
  ])('maps %s to %s', (uri, expected) => {
    expect(withHtmlPath(request(uri)).uri).toBe(expected);
  });
});
