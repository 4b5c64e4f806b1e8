import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { tempDataDir, testConfig } from '../../server/test/helpers/config.js';
import {
  collect,
  ConsentRequiredError,
  createLatchkeyClient,
  ExchangeError,
  LatchkeyError,
  paginate,
  unwrap,
  type AuditEvent,
  type LatchkeyClient,
} from '../src/index.js';
import { consentAs } from './helpers/consent.js';

/**
 * The SDK against a real server (embedded store, development IdP): the user story of SPEC §10 —
 * connect, create a token, call the proxy, exchange, see it in the audit log, revoke — and every
 * error class it throws.
 */
describe('@latchkey/sdk against a running Latchkey', () => {
  const data = tempDataDir();
  let server: RunningServer;
  let alice: LatchkeyClient;

  beforeAll(async () => {
    server = await startServer(testConfig(data.dir));
    const anonymous = createLatchkeyClient({ baseUrl: server.url });
    const minted = unwrap(await anonymous.api.POST('/dev-idp/token', { body: { user: 'alice' } }));
    alice = createLatchkeyClient({ baseUrl: server.url, token: minted.access_token });
  });
  afterAll(async () => {
    await server.close();
    data.cleanup();
  });

  it('walks the user story: connect, token, proxy, exchange, audit, revoke', async () => {
    const me = await alice.me();
    expect(me.user.email).toBe('alice@demo.test');
    expect((await alice.services()).map((s) => s.id)).toContain('demo');

    // Not connected yet: the proxy and the exchange both ask for a consent.
    const refused = await alice.proxyFetch('demo', '/notes').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ConsentRequiredError);
    const exchangeRefused = await alice.exchange('demo').catch((err: unknown) => err);
    expect(exchangeRefused).toBeInstanceOf(ConsentRequiredError);
    if (!(exchangeRefused instanceof ConsentRequiredError)) return;
    expect(new URL(exchangeRefused.authorizationUrl).pathname).toMatch(/^\/dev-idp\//);

    const started = await alice.connect('demo');
    if (!('authorizationUrl' in started)) expect.fail('expected a consent');
    await consentAs(started.authorizationUrl, 'alice');
    const connection = (await alice.connections.list()).find((c) => c.service === 'demo');
    expect(connection?.status).toBe('active');
    const again = await alice.connect('demo');
    expect('id' in again && again.id).toBe(connection?.id);

    const created = await alice.tokens.create({
      name: 'sdk-story',
      services: ['demo'],
      permissions: ['read', 'write', 'exchange'],
      expiresInDays: 7,
    });
    expect(created.token).toMatch(/^lk_/);
    const agent = createLatchkeyClient({ baseUrl: server.url, token: created.token });
    expect((await agent.me()).apiToken?.name).toBe('sdk-story');

    const posted = await agent.proxyFetch('demo', '/notes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'from the sdk', body: 'hello' }),
    });
    expect(posted.status).toBe(201);
    const listed = await agent.proxyFetch('demo', '/notes');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(await listed.json())).toContain('from the sdk');

    const exchanged = await agent.exchange('demo');
    expect(exchanged.tokenType).toBe('Bearer');
    expect(exchanged.accessToken.length).toBeGreaterThan(20);

    const events: AuditEvent[] = await collect(alice.audit({}, 10), 200);
    const actions = events.map((e) => e.action);
    expect(actions).toContain('api_token.created');
    expect(actions).toContain('connection.created');
    // What the token did is in the tenant's log (its actor is the token): the admin's view.
    const adamToken = unwrap(
      await createLatchkeyClient({ baseUrl: server.url }).api.POST('/dev-idp/token', {
        body: { user: 'adam' },
      }),
    ).access_token;
    const adam = createLatchkeyClient({ baseUrl: server.url, token: adamToken });
    // Proxy writes are audited right after the response, in batches: wait for the batch to land.
    let tenantActions: string[] = [];
    for (;;) {
      const tenantEvents = await collect(
        paginate(async (cursor) =>
          unwrap(
            await adam.api.GET('/api/v1/admin/audit', {
              params: { query: { limit: 50, ...(cursor === undefined ? {} : { cursor }) } },
            }),
          ),
        ),
        500,
      );
      tenantActions = tenantEvents.map((e) => e.action);
      if (tenantActions.includes('proxy.write')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(tenantActions).toContain('token.exchanged');

    await alice.tokens.revoke(created.apiToken.id);
    const afterRevoke = await agent.proxyFetch('demo', '/notes').catch((err: unknown) => err);
    expect(afterRevoke).toBeInstanceOf(LatchkeyError);
    if (afterRevoke instanceof LatchkeyError) {
      expect(afterRevoke.status).toBe(401);
      expect(afterRevoke.code).toBe('token_revoked');
    }
  });

  it('follows the audit log live (server-sent events)', async () => {
    const stop = new AbortController();
    const tail = alice.followAudit({ action: 'api_token.created' }, { signal: stop.signal });
    const first = tail.next();
    // The tail starts at the newest event: create one once the stream is open.
    await new Promise((r) => setTimeout(r, 300));
    await alice.tokens.create({
      name: 'followed',
      services: ['demo'],
      permissions: ['read'],
      expiresInDays: 7,
    });
    const { value } = await first;
    expect(value?.action).toBe('api_token.created');
    stop.abort();
    await tail.return(undefined);
  });

  it('throws LatchkeyError with the problem fields and typed code', async () => {
    const missing = await alice.tokens.get('tok_doesnotexist').catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(LatchkeyError);
    if (!(missing instanceof LatchkeyError)) return;
    expect(missing.code).toBe('not_found');
    expect(missing.status).toBe(404);
    expect(missing.requestId).toBeTypeOf('string');

    const invalid = await alice.tokens
      .create({ name: '', services: ['demo'], permissions: ['read'], expiresInDays: 7 })
      .catch((err: unknown) => err);
    expect(invalid).toBeInstanceOf(LatchkeyError);
    if (!(invalid instanceof LatchkeyError)) return;
    expect(invalid.code).toBe('validation_failed');
    expect(invalid.errors?.some((e) => e.path.includes('name'))).toBe(true);

    const stranger = createLatchkeyClient({ baseUrl: server.url, token: 'lk_not_a_real_token' });
    const unauthenticated = await stranger.me().catch((err: unknown) => err);
    expect(unauthenticated).toBeInstanceOf(LatchkeyError);
    expect(unauthenticated instanceof LatchkeyError && unauthenticated.status).toBe(401);
  });

  it('throws ExchangeError with the RFC 6749 code', async () => {
    const err = await alice.exchange('no-such-service').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExchangeError);
    expect(err instanceof ExchangeError && err.error).toBe('invalid_target');
  });

  describe('a server that is not Latchkey', () => {
    let other: Server;
    beforeAll(async () => {
      other = createServer((_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
      });
      await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    });
    afterAll(async () => {
      await new Promise((r) => other.close(r));
    });

    it('answers unexpected_response instead of a made-up problem', async () => {
      const { port } = other.address() as AddressInfo;
      const lk = createLatchkeyClient({ baseUrl: `http://127.0.0.1:${String(port)}`, token: 'lk_x' });
      const err = await lk.me().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LatchkeyError);
      expect(err instanceof LatchkeyError && err.code).toBe('unexpected_response');
      expect(err instanceof LatchkeyError && err.status).toBe(502);
    });
  });
});
