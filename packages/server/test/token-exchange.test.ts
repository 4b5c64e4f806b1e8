import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer } from '../src/server.js';
import type { Store } from '../src/store/db.js';
import { auditEvents } from '../src/store/schema/index.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { connectThroughConsent, createApiToken, devIdpToken } from './helpers/dav-bed.js';
import { startProxyBed, type ProxyBed } from './helpers/proxy-bed.js';
import { storeTiers } from './helpers/store-tiers.js';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS = 'urn:ietf:params:oauth:token-type:access_token';

describe('token exchange (RFC 8693) at POST /oauth/token (SPEC §6.2)', () => {
  const tier = storeTiers().find((t) => t.name === 'postgres' && t.available) ?? storeTiers()[0]!;
  const data = tempDataDir();
  let store: Store;
  let dispose: () => Promise<void>;
  let server: RunningServer;
  let bed: ProxyBed;
  let base: string;
  let idp: string;
  let exchanger: string;

  beforeAll(async () => {
    ({ store, dispose } = await tier.open());
    const port = await freePort('127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    bed = await startProxyBed(base);
    server = await startServer(testConfig(data.dir, { server: { port }, services: bed.services }), { store });
    idp = await devIdpToken(base, 'alice');
    await connectThroughConsent(base, idp, 'echo', 'alice');
    exchanger = await createApiToken(base, idp, ['echo'], ['exchange']);
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await bed.close();
    await dispose();
    data.cleanup();
  });

  async function exchange(
    fields: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const res = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  }

  const valid = (subject: string, extra: Record<string, string> = { audience: 'echo' }) => ({
    grant_type: GRANT,
    subject_token: subject,
    subject_token_type: ACCESS,
    ...extra,
  });

  it('issues the connection’s downstream token for an lk_ token with exchange; the upstream accepts it; audited', async () => {
    const res = await exchange(valid(exchanger));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.issued_token_type).toBe(ACCESS);
    expect(res.body.token_type).toBe('Bearer');
    expect(typeof res.body.expires_in).toBe('number');
    const direct = await fetch(`${bed.upstream.url}/api/hello`, {
      headers: { authorization: `Bearer ${String(res.body.access_token)}` },
    });
    expect(direct.status).toBe(200);
    const events = await store.db.select().from(auditEvents).where(eq(auditEvents.action, 'token.exchanged'));
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events.map((e) => e.metadata))).not.toContain(String(res.body.access_token));
  });

  it('accepts resource = the service base URL, and an IdP access token as subject', async () => {
    expect((await exchange(valid(exchanger, { resource: `${bed.upstream.url}/api/` }))).status).toBe(200);
    expect((await exchange(valid(idp))).status).toBe(200);
  });

  it('answers RFC 6749 §5.2 errors', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ ...valid(exchanger), grant_type: 'password' }, 'unsupported_grant_type'],
      [{ grant_type: GRANT, subject_token_type: ACCESS, audience: 'echo' }, 'invalid_request'],
      [
        { ...valid(exchanger), subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' },
        'invalid_request',
      ],
      [{ grant_type: GRANT, subject_token: exchanger, subject_token_type: ACCESS }, 'invalid_request'],
      [valid(exchanger, { audience: 'nope' }), 'invalid_target'],
      [valid(exchanger, { resource: 'https://elsewhere.test/' }), 'invalid_target'],
      [valid('lk_garbage'), 'invalid_grant'],
      [valid('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'), 'invalid_grant'],
    ];
    for (const [fields, error] of cases) {
      const res = await exchange(fields);
      expect(res.status, `${JSON.stringify(fields)} → ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error).toBe(error);
      expect(typeof res.body.error_description).toBe('string');
    }
  });

  it('needs the exchange permission and the service in scope', async () => {
    const readOnly = await createApiToken(base, idp, ['echo'], ['read', 'write', 'delete']);
    const noExchange = await exchange(valid(readOnly));
    expect(noExchange.body.error).toBe('unauthorized_client');
    const otherService = await createApiToken(base, idp, ['mail'], ['exchange']);
    expect((await exchange(valid(otherService))).body.error).toBe('invalid_target');
  });

  it('signals consent_required as invalid_grant with an authorization_url', async () => {
    // adam has no connection to echo.
    const res = await exchange(valid(await devIdpToken(base, 'adam')));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(String(res.body.authorization_url).startsWith(bed.peer.issuer)).toBe(true);
  });

  it('refuses a revoked API token', async () => {
    const doomed = await createApiToken(base, idp, ['echo'], ['exchange']);
    const revoke = await fetch(`${base}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: doomed }).toString(),
    });
    expect(revoke.status).toBe(200);
    expect((await exchange(valid(doomed))).body.error).toBe('invalid_grant');
  });

  it('refuses while the tenant is suspended (403), and works again once resumed', async () => {
    const minted = await fetch(`${base}/dev-idp/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'olga', audience: 'latchkey-operator' }),
    });
    const olga = `Bearer ${((await minted.json()) as { access_token: string }).access_token}`;
    expect((await fetch(`${base}/api/v1/me`, { headers: { authorization: olga } })).status).toBe(200);
    const op = (action: string) =>
      fetch(`${base}/api/v1/operator/tenants/demo/${action}`, {
        method: 'POST',
        headers: { authorization: olga },
      });
    expect((await op('suspend')).status).toBe(200);
    try {
      for (const subject of [exchanger, idp]) {
        const res = await exchange(valid(subject));
        expect(res.status, JSON.stringify(res.body)).toBe(403);
        expect(res.body.error).toBe('invalid_grant');
        expect(String(res.body.error_description)).toContain('suspended');
      }
    } finally {
      expect((await op('resume')).status).toBe(200);
    }
    expect((await exchange(valid(exchanger))).status).toBe(200);
  });
});
