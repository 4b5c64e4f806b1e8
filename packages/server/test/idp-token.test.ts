import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { decodeProtectedHeader, exportSPKI, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.js';
import { openStore, type Store } from '../src/store/db.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { generatePeerKey, PEER_CLIENT, startOidcPeer, type OidcPeer } from './helpers/oidc-peer.js';

/** Log lines the app writes, kept to prove that no token ever reaches them. */
function captureLog(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const now = (): number => Math.floor(Date.now() / 1000);

// jose refetches a JWKS on an unknown kid at most once per cooldown (30 s in the verifier), so
// that forged kids cannot make Latchkey hammer the IdP. The tests that need a refetch move the
// clock of this process (Date only; timers, sockets and I/O stay real) past that cooldown.
const PAST_JWKS_COOLDOWN_MS = 31_000;
function advanceClock(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

describe('IdP access tokens (SPEC §3.1)', () => {
  const data = tempDataDir();
  const log = captureLog();
  let peer: OidcPeer;
  /** A second trusted issuer, its own audience: the key-rotation suite runs against it. */
  let rotating: OidcPeer;
  let store: Store;
  let app: FastifyInstance;
  /** Every token sent in this file, valid or not: none may appear in the log. */
  const sent: Array<{ token: string; requestId: string }> = [];

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    peer = await startOidcPeer();
    rotating = await startOidcPeer({ audiences: ['reports-api', 'latchkey'] });
    store = await openStore({ pgliteDir: 'memory://' });
    const config = testConfig(data.dir, {
      dev: { enabled: false },
      log: { level: 'trace' },
      idp: {
        issuers: [
          { issuer: peer.issuer, audiences: ['latchkey'], operatorAudiences: ['latchkey-operator'] },
          { issuer: rotating.issuer, audiences: ['reports-api'], operatorAudiences: [] },
        ],
        groupMappings: [
          { group: 'acme-engineers', tenant: 'acme', role: 'member' },
          { group: 'platform-operators', platformAdmin: true },
        ],
      },
    });
    expect(config.devMode).toBe(false);
    ({ app } = await buildApp(config, { store, logStream: log.stream }));
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    await peer.close();
    await rotating.close();
    vi.useRealTimers();
    data.cleanup();
  });

  async function me(token: string): Promise<LightMyRequestResponse> {
    const res = await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    sent.push({ token, requestId: String(res.headers['x-request-id']) });
    return res;
  }

  function expectRefused(res: LightMyRequestResponse, code: 'invalid_token' | 'token_expired'): void {
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 401, code });
    // RFC 6750 §3: a 401 to a bearer request says how to authenticate.
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
  }

  it('accepts a valid token and syncs its groups through the configured mappings', async () => {
    const token = await peer.sign(
      peer.validClaims({ email: 'pat@acme.test', name: 'Pat', groups: ['acme-engineers', 'unmapped'] }),
    );
    const res = await me(token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      credential: 'idp_token',
      user: { issuer: peer.issuer, subject: 'peer-user', email: 'pat@acme.test', platformAdmin: false },
      tenant: { slug: 'acme', role: 'member' },
      operator: false,
    });
    expect(peer.jwksRequests()).toBe(1);
  });

  it('accepts an access token the provider minted itself (client_credentials, RFC 9068 JWT)', async () => {
    const token = await peer.clientCredentialsToken('latchkey');
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'at+jwt', kid: peer.currentKey().kid });
    const res = await me(token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      credential: 'idp_token',
      user: { issuer: peer.issuer, subject: PEER_CLIENT.id },
      tenant: null,
    });
  });

  it('opens the operator API only to an operator-audience token of a platform admin', async () => {
    const claims = peer.validClaims({
      sub: 'opal',
      aud: ['latchkey-operator'],
      groups: ['platform-operators'],
    });
    const operator = await me(await peer.sign(claims));
    expect(operator.statusCode).toBe(200);
    expect(operator.json()).toMatchObject({ user: { platformAdmin: true }, operator: true });

    const apiAudience = await me(await peer.sign({ ...claims, aud: 'latchkey' }));
    expect(apiAudience.json()).toMatchObject({ user: { platformAdmin: true }, operator: false });
  });

  it('tolerates exp within the configured clock skew (30 s)', async () => {
    const res = await me(await peer.sign(peer.validClaims({ iat: now() - 600, exp: now() - 10 })));
    expect(res.statusCode).toBe(200);
  });

  it('refuses a token of an issuer that is not configured, even signed with a trusted key', async () => {
    expectRefused(
      await me(await peer.sign(peer.validClaims({ iss: 'https://idp.elsewhere.example' }))),
      'invalid_token',
    );
    // Issuers compare exactly (RFC 9068 §4): a trailing slash is another issuer.
    expectRefused(await me(await peer.sign(peer.validClaims({ iss: `${peer.issuer}/` }))), 'invalid_token');
  });

  it('refuses a token whose audience is not one of its issuer', async () => {
    expectRefused(await me(await peer.sign(peer.validClaims({ aud: 'someone-else' }))), 'invalid_token');
    // `reports-api` is an audience of the other issuer only.
    expectRefused(await me(await peer.sign(peer.validClaims({ aud: 'reports-api' }))), 'invalid_token');
  });

  it('refuses an expired token with token_expired', async () => {
    const res = await me(await peer.sign(peer.validClaims({ iat: now() - 900, exp: now() - 120 })));
    expectRefused(res, 'token_expired');
  });

  it('refuses a token that is not yet valid (nbf beyond the skew)', async () => {
    expectRefused(await me(await peer.sign(peer.validClaims({ nbf: now() + 120 }))), 'invalid_token');
  });

  it('refuses alg "none" (RFC 8725 §3.1)', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(peer.validClaims())}.`;
    expectRefused(await me(unsigned), 'invalid_token');
  });

  it('refuses HS256 keyed with the public key (algorithm confusion, RFC 8725 §2.1)', async () => {
    const key = peer.currentKey();
    const pem = await exportSPKI(key.publicKey);
    for (const secret of [
      pem,
      pem.trim(),
      JSON.stringify(await crypto.subtle.exportKey('jwk', key.publicKey)),
    ]) {
      const forged = await new SignJWT(peer.validClaims())
        .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' })
        .sign(new TextEncoder().encode(secret));
      expectRefused(await me(forged), 'invalid_token');
    }
  });

  it('refetches the JWKS on an unknown kid, and still refuses a key the IdP never published', async () => {
    // The keys were cached by the first test; let the refetch cooldown pass.
    advanceClock(PAST_JWKS_COOLDOWN_MS);
    const before = peer.jwksRequests();
    const stranger = await generatePeerKey('not-published');
    expectRefused(await me(await peer.sign(peer.validClaims(), { key: stranger })), 'invalid_token');
    expect(peer.jwksRequests()).toBe(before + 1);
    // Within the cooldown another forged kid costs the IdP nothing.
    const other = await generatePeerKey('not-published-either');
    expectRefused(await me(await peer.sign(peer.validClaims(), { key: other })), 'invalid_token');
    expect(peer.jwksRequests()).toBe(before + 1);
  });

  it('refuses a forged signature under the kid of a trusted key', async () => {
    const stranger = await generatePeerKey(peer.currentKey().kid);
    expectRefused(await me(await peer.sign(peer.validClaims(), { key: stranger })), 'invalid_token');
  });

  it('refuses garbage', async () => {
    for (const garbage of ['garbage', 'a.b.c', 'eyJhbGciOiJSUzI1NiJ9.e30.', `${'x'.repeat(40)}..`]) {
      expectRefused(await me(garbage), 'invalid_token');
    }
  });

  it('asks for a credential when none is sent', async () => {
    const res = await app.inject({ url: '/api/v1/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unauthenticated' });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="latchkey"');
  });

  it('refuses a malformed Authorization header and still names the Bearer scheme', async () => {
    const token = await peer.sign(peer.validClaims());
    for (const authorization of [`Basic ${token}`, 'Bearer', `Bearer ${token} extra`, token]) {
      const res = await app.inject({ url: '/api/v1/me', headers: { authorization } });
      sent.push({ token, requestId: String(res.headers['x-request-id']) });
      expectRefused(res, 'invalid_token');
    }
  });

  it('refuses a token without sub', async () => {
    const { sub: _sub, ...claims } = peer.validClaims();
    expectRefused(await me(await peer.sign(claims)), 'invalid_token');
  });

  describe('IdP key rotation (JWKS refetched on an unknown kid)', () => {
    // Rotation runs against a real oidc-provider: the peer restarts its provider with a new
    // signing key behind the same socket (see OidcPeer.rotateKey), it does not fake a JWKS.
    it('accepts a token signed with the new key once the IdP publishes it', async () => {
      const old = await rotating.clientCredentialsToken('reports-api');
      expect((await me(old)).statusCode).toBe(200);
      expect(rotating.jwksRequests()).toBe(1);

      // The verifier's copy of the JWKS is now a minute old; then the IdP rotates.
      advanceClock(60_000);
      const oldKid = rotating.currentKey().kid;
      const next = await rotating.rotateKey();
      const rotated = await rotating.clientCredentialsToken('reports-api');
      expect(decodeProtectedHeader(rotated).kid).toBe(next.kid);
      expect(next.kid).not.toBe(oldKid);

      const res = await me(rotated);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ user: { issuer: rotating.issuer, subject: PEER_CLIENT.id } });
      expect(rotating.jwksRequests()).toBe(2);
      // The old key is still published during the overlap, so its tokens keep working.
      expect((await me(old)).statusCode).toBe(200);
    });

    it('applies the audiences of the issuer that signed the token', async () => {
      // `latchkey` is trusted for the first issuer, not for this one.
      expectRefused(await me(await rotating.clientCredentialsToken('latchkey')), 'invalid_token');
    });
  });

  it('never writes a token, or its signature, to the log', () => {
    const text = log.text();
    expect(sent.length).toBeGreaterThan(15);
    for (const { token, requestId } of sent) {
      // The request was logged (trace level): the check below looks at real lines.
      expect(text).toContain(requestId);
      expect(text).not.toContain(token);
      // Garbage such as `a.b.c` has no signature worth the name: a one-letter part is in any text.
      const signature = token.split('.')[2] ?? '';
      if (signature.length >= 16) expect(text).not.toContain(signature);
    }
  });
});
