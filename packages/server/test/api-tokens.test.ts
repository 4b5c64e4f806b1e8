import { eq } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.js';
import { systemActor } from '../src/audit/record.js';
import { UserDirectory } from '../src/auth/user-directory.js';
import { sha256Hex } from '../src/crypto/hash.js';
import { publishChange } from '../src/notify/change-bus.js';
import type { AppServices } from '../src/services.js';
import { apiTokens, auditEvents, tenants } from '../src/store/schema/index.js';
import { ensureTenant, findTenantBySlug } from '../src/store/tenants.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { expectProblem } from './helpers/http.js';
import { storeTiers } from './helpers/store-tiers.js';

const RS = { clientId: 'files-rs', clientSecret: 'a-long-resource-server-secret' };

interface Created {
  token: string;
  apiToken: { id: string; name: string; hint: string; status: string; expiresAt: string; services: string[] };
}

for (const tier of storeTiers()) {
  describe.skipIf(!tier.available)(`API tokens: lifecycle, scope and revocation (${tier.name})`, () => {
    const data = tempDataDir();
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    let services: AppServices;
    const idp: Record<string, string> = {};

    const as = (who: string) => ({ authorization: `Bearer ${idp[who] ?? who}` });
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    async function create(who: string, body: Record<string, unknown>): Promise<LightMyRequestResponse> {
      return app.inject({ method: 'POST', url: '/api/v1/api-tokens', headers: as(who), payload: body });
    }
    async function createOk(
      who: string,
      name: string,
      extra: Record<string, unknown> = {},
    ): Promise<Created> {
      const res = await create(who, {
        name,
        services: ['*'],
        permissions: ['read'],
        expiresInDays: 30,
        ...extra,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<Created>();
    }
    const me = (token: string) => app.inject({ url: '/api/v1/me', headers: bearer(token) });

    beforeAll(async () => {
      const opened = await tier.open();
      dispose = opened.dispose;
      ({ app, services } = await buildApp(testConfig(data.dir, { introspection: { clients: [RS] } }), {
        store: opened.store,
      }));
      for (const user of ['alice', 'gina', 'adam']) {
        const res = await app.inject({ method: 'POST', url: '/dev-idp/token', payload: { user } });
        idp[user] = res.json<{ access_token: string }>().access_token;
        // First sight of each demo user creates them and their memberships.
        expect((await app.inject({ url: '/api/v1/me', headers: as(user) })).statusCode).toBe(200);
      }
    });
    afterAll(async () => {
      await app.close();
      await dispose();
      data.cleanup();
    });

    it('creates a token shown once, stored only as its SHA-256, audited without the secret', async () => {
      const created = await createOk('alice', 'backup script', { description: 'nightly' });
      expect(created.token).toMatch(/^lk_[0-9A-Za-z]{49}$/);
      expect(created.apiToken.hint).toBe(`${created.token.slice(0, 7)}…${created.token.slice(-4)}`);
      expect(created.apiToken.status).toBe('active');
      const rows = await services.store.db
        .select()
        .from(apiTokens)
        .where(eq(apiTokens.id, created.apiToken.id));
      expect(rows[0]?.tokenHash).toBe(sha256Hex(created.token));
      expect(JSON.stringify(rows)).not.toContain(created.token.slice(3, 40));
      const events = await services.store.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.targetId, created.apiToken.id));
      expect(events.map((e) => e.action)).toEqual(['api_token.created']);
      expect(JSON.stringify(events)).not.toContain(created.token.slice(3, 40));
      // The listing and the detail never carry the secret again.
      const list = await app.inject({ url: '/api/v1/api-tokens', headers: as('alice') });
      expect(list.body).not.toContain(created.token);
      expect(list.json<{ items: { id: string }[] }>().items.map((i) => i.id)).toContain(created.apiToken.id);
    });

    it('authenticates /api/v1/me with the token and reports its scopes', async () => {
      const created = await createOk('alice', 'whoami', { permissions: ['read', 'write'] });
      const res = await me(created.token);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        credential: 'api_token',
        user: { subject: 'alice' },
        tenant: { slug: 'demo', role: 'member' },
        apiToken: { id: created.apiToken.id, services: '*', permissions: ['read', 'write'] },
      });
    });

    it('scopes a token to catalogue services (the embedded demo service)', async () => {
      const created = await createOk('alice', 'demo only', { services: ['demo'] });
      expect(created.apiToken.services).toEqual(['demo']);
      const res = await me(created.token);
      expect(res.json()).toMatchObject({ apiToken: { services: ['demo'], permissions: ['read'] } });
    });

    it('never lets an API token manage credentials, except revoking itself', async () => {
      const created = await createOk('alice', 'agent', {
        permissions: ['read', 'write', 'delete', 'exchange'],
      });
      const other = await createOk('alice', 'other');
      const t = bearer(created.token);
      const attempts = [
        app.inject({
          method: 'POST',
          url: '/api/v1/api-tokens',
          headers: t,
          payload: { name: 'x', services: ['*'], permissions: ['read'], expiresInDays: 7 },
        }),
        app.inject({ url: '/api/v1/api-tokens', headers: t }),
        app.inject({ url: `/api/v1/api-tokens/${created.apiToken.id}`, headers: t }),
        app.inject({
          method: 'POST',
          url: `/api/v1/api-tokens/${created.apiToken.id}/rotate`,
          headers: t,
          payload: {},
        }),
        app.inject({ method: 'DELETE', url: `/api/v1/api-tokens/${other.apiToken.id}`, headers: t }),
        app.inject({ url: '/api/v1/admin/api-tokens', headers: t }),
      ];
      for (const res of await Promise.all(attempts)) {
        const problem = expectProblem(res, 403, 'api_token_not_allowed');
        expect(problem).toMatchObject({ required: 'user_credential' });
        expect(res.headers['www-authenticate']).toContain('insufficient_scope');
      }
      expect((await me(other.token)).statusCode).toBe(200);
      const self = await app.inject({
        method: 'DELETE',
        url: `/api/v1/api-tokens/${created.apiToken.id}`,
        headers: t,
      });
      expect(self.statusCode, self.body).toBe(204);
      expectProblem(await me(created.token), 401, 'token_revoked');
    });

    it('keeps names unique among active tokens and frees a revoked name', async () => {
      const first = await createOk('alice', 'deploy');
      expectProblem(
        await create('alice', { name: 'deploy', services: ['*'], permissions: ['read'], expiresInDays: 7 }),
        409,
        'token_name_taken',
      );
      const del = await app.inject({
        method: 'DELETE',
        url: `/api/v1/api-tokens/${first.apiToken.id}`,
        headers: as('alice'),
      });
      expect(del.statusCode).toBe(204);
      await createOk('alice', 'deploy');
    });

    it('refuses guests, unknown services, bad permissions and out-of-range expiry, listing every bad field', async () => {
      expectProblem(
        await create('gina', { name: 'g', services: ['*'], permissions: ['read'], expiresInDays: 7 }),
        403,
        'guest_cannot_create_tokens',
      );
      const unknown = expectProblem(
        await create('alice', { name: 'u', services: ['nope'], permissions: ['read'], expiresInDays: 7 }),
        400,
        'validation_failed',
      );
      expect(unknown.errors?.map((e) => e.path)).toEqual(['body.services.0']);
      const bad = expectProblem(
        await create('alice', { name: '', services: [], permissions: ['admin'], expiresInDays: 3 }),
        400,
        'validation_failed',
      );
      expect(bad.errors?.map((e) => e.path).sort()).toEqual([
        'body.expiresInDays',
        'body.name',
        'body.permissions.0',
        'body.services',
      ]);
      const soon = new Date(Date.now() + 3_600_000).toISOString();
      expectProblem(
        await create('alice', { name: 's', services: ['*'], permissions: ['read'], expiresAt: soon }),
        400,
        'validation_failed',
      );
      const late = new Date(Date.now() + 400 * 86_400_000).toISOString();
      expectProblem(
        await create('alice', { name: 'l', services: ['*'], permissions: ['read'], expiresAt: late }),
        400,
        'validation_failed',
      );
      expectProblem(
        await create('alice', { name: 'n', services: ['*'], permissions: ['read'] }),
        400,
        'validation_failed',
      );
      const cidr = expectProblem(
        await create('alice', {
          name: 'c',
          services: ['*'],
          permissions: ['read'],
          expiresInDays: 7,
          allowedCidrs: ['10.0.0.0/33'],
        }),
        400,
        'validation_failed',
      );
      expect(cidr.errors?.map((e) => e.path)).toEqual(['body.allowedCidrs.0']);
    });

    it('applies the tenant maximum lifetime set by a tenant admin, with the limit in the error', async () => {
      expectProblem(
        await app.inject({
          method: 'PUT',
          url: '/api/v1/admin/token-policy',
          headers: as('alice'),
          payload: { maxLifetimeDays: 30 },
        }),
        403,
        'forbidden',
      );
      const set = await app.inject({
        method: 'PUT',
        url: '/api/v1/admin/token-policy',
        headers: as('adam'),
        payload: { maxLifetimeDays: 30 },
      });
      expect(set.json()).toEqual({ maxLifetimeDays: 30 });
      const refused = expectProblem(
        await create('alice', { name: 'p', services: ['*'], permissions: ['read'], expiresInDays: 90 }),
        400,
        'validation_failed',
      );
      expect(refused).toMatchObject({ maxLifetimeDays: 30 });
      await createOk('alice', 'within policy', { expiresInDays: 30 });
      await app.inject({
        method: 'PUT',
        url: '/api/v1/admin/token-policy',
        headers: as('adam'),
        payload: { maxLifetimeDays: null },
      });
      await createOk('alice', 'after policy lifted', { expiresInDays: 90 });
    });

    it('rotates: without grace the old secret stops at once; rotating twice revokes the whole chain', async () => {
      const original = await createOk('alice', 'rotating');
      const rotate = (id: string, grace = 0) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/api-tokens/${id}/rotate`,
          headers: as('alice'),
          payload: { gracePeriodSeconds: grace },
        });
      const res = await rotate(original.apiToken.id);
      expect(res.statusCode, res.body).toBe(201);
      const next = res.json<Created>();
      expect(next.token).not.toBe(original.token);
      expect(next.apiToken.name).toBe('rotating');
      expectProblem(await me(original.token), 401, 'token_revoked');
      expect((await me(next.token)).statusCode).toBe(200);
      // Rotating the already-rotated token again is a reused old secret: the chain dies.
      expectProblem(await rotate(original.apiToken.id), 409, 'token_already_rotated');
      expectProblem(await me(next.token), 401, 'token_revoked');
      const events = await services.store.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.action, 'api_token.rotation_reuse_detected'));
      expect(events.map((e) => e.targetId)).toContain(next.apiToken.id);
    });

    it('rotates with a grace period: both secrets work until it ends, then only the new one', async () => {
      const original = await createOk('alice', 'graceful');
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/api-tokens/${original.apiToken.id}/rotate`,
        headers: as('alice'),
        payload: { gracePeriodSeconds: 3600 },
      });
      const next = res.json<Created>();
      expect((await me(original.token)).statusCode).toBe(200);
      expect((await me(next.token)).statusCode).toBe(200);
      // The grace period ends (moved into the past in the store, then announced like any change).
      await services.store.db.transaction(async (tx) => {
        await tx
          .update(apiTokens)
          .set({ graceUntil: new Date(Date.now() - 1000) })
          .where(eq(apiTokens.id, original.apiToken.id));
        await publishChange(tx, { kind: 'api_token', hashes: [sha256Hex(original.token)] });
      });
      services.bus.announceLocally({ kind: 'api_token', hashes: [sha256Hex(original.token)] });
      expectProblem(await me(original.token), 401, 'token_revoked');
      expect((await me(next.token)).statusCode).toBe(200);
    });

    it('refuses malformed and bad-checksum tokens before any cache or store work', async () => {
      const created = await createOk('alice', 'checksum');
      const flipped = created.token.slice(0, -1) + (created.token.endsWith('a') ? 'b' : 'a');
      const before = services.apiTokenVerifier.misses + services.apiTokenVerifier.hits;
      for (const t of ['lk_short', flipped, `${created.token}x`, 'lk_' + '!'.repeat(49)]) {
        expectProblem(await me(t), 401, 'invalid_token');
      }
      expect(services.apiTokenVerifier.misses + services.apiTokenVerifier.hits).toBe(before);
      // A well-formed token nobody issued reaches the store once, then the negative cache.
      const { generateApiToken } = await import('../src/api-tokens/format.js');
      const stranger = generateApiToken();
      expectProblem(await me(stranger), 401, 'invalid_token');
      const missesAfterFirst = services.apiTokenVerifier.misses;
      expectProblem(await me(stranger), 401, 'invalid_token');
      expect(services.apiTokenVerifier.misses).toBe(missesAfterFirst);
      const metrics = await app.inject('/metrics');
      expect(metrics.body).toMatch(
        /latchkey_token_cache_lookups_total\{cache="api_token",outcome="hit"\} [1-9]/,
      );
      expect(metrics.body).toMatch(
        /latchkey_token_cache_lookups_total\{cache="api_token",outcome="miss"\} [1-9]/,
      );
    });

    it('answers a cached token without waiting exactly as verify does, and forgets it on revocation', async () => {
      const created = await createOk('alice', 'hot path');
      const verifier = services.apiTokenVerifier;
      const thrown = (f: () => unknown): unknown => {
        try {
          f();
        } catch (err) {
          return err;
        }
        return undefined;
      };
      // Garbage is refused at once, with verify's refusal, before any lookup.
      expect(thrown(() => verifier.verifyCached('lk_short', '127.0.0.1'))).toMatchObject({
        code: 'invalid_token',
      });
      // Cold cache: only the store can tell.
      expect(verifier.verifyCached(created.token, '127.0.0.1')).toBeUndefined();
      const verified = await verifier.verify(created.token, '127.0.0.1');
      expect(verifier.verifyCached(created.token, '127.0.0.1')).toEqual(verified);
      // With the cache warm, a typo in the checksum is still refused as malformed (only the exact
      // token's hash is cached), and so is a token of the right length with a foreign character.
      const last = created.token.at(-1) === 'A' ? 'B' : 'A';
      expect(
        thrown(() => verifier.verifyCached(created.token.slice(0, -1) + last, '127.0.0.1')),
      ).toMatchObject({
        code: 'invalid_token',
        message: 'the API token is malformed',
      });
      expect(
        thrown(() => verifier.verifyCached(`${created.token.slice(0, -2)}-_`, '127.0.0.1')),
      ).toMatchObject({
        code: 'invalid_token',
      });
      // The allow-list is checked on the cached path too.
      const office = await createOk('alice', 'office hot path', { allowedCidrs: ['10.0.0.0/8'] });
      await expect(verifier.verify(office.token, '10.1.2.3')).resolves.toBeDefined();
      expect(thrown(() => verifier.verifyCached(office.token, '127.0.0.1'))).toMatchObject({
        code: 'ip_not_allowed',
      });
      // Revoked: the change notice empties the entry, the store says revoked, and from then on
      // the cached path refuses it the same way.
      const revoked = await app.inject({
        method: 'DELETE',
        url: `/api/v1/api-tokens/${created.apiToken.id}`,
        headers: as('alice'),
      });
      expect(revoked.statusCode, revoked.body).toBe(204);
      services.bus.announceLocally({ kind: 'api_token', hashes: [sha256Hex(created.token)] });
      expect(verifier.verifyCached(created.token, '127.0.0.1')).toBeUndefined();
      await expect(verifier.verify(created.token, '127.0.0.1')).rejects.toMatchObject({
        code: 'token_revoked',
      });
      expect(thrown(() => verifier.verifyCached(created.token, '127.0.0.1'))).toMatchObject({
        code: 'token_revoked',
      });
    });

    it('refuses an expired token with 401 token_expired, and an expired token cannot be rotated', async () => {
      const created = await createOk('alice', 'short-lived');
      expect((await me(created.token)).statusCode).toBe(200);
      // Time passes (the expiry moved into the past in the store, announced like any change).
      await services.store.db
        .update(apiTokens)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(apiTokens.id, created.apiToken.id));
      services.bus.announceLocally({ kind: 'api_token', hashes: [sha256Hex(created.token)] });
      expectProblem(await me(created.token), 401, 'token_expired');
      const rotate = await app.inject({
        method: 'POST',
        url: `/api/v1/api-tokens/${created.apiToken.id}/rotate`,
        headers: as('alice'),
        payload: {},
      });
      expectProblem(rotate, 409, 'conflict');
      // Its name is free again for a new token.
      await createOk('alice', 'short-lived');
    });

    it('honours the allowed address ranges of a token', async () => {
      const outside = await createOk('alice', 'office only', { allowedCidrs: ['10.0.0.0/8'] });
      expectProblem(await me(outside.token), 403, 'ip_not_allowed');
      const loopback = await createOk('alice', 'loopback', { allowedCidrs: ['127.0.0.0/8', '::1/128'] });
      expect((await me(loopback.token)).statusCode).toBe(200);
    });

    it('keeps last use coarsely', async () => {
      const created = await createOk('alice', 'used');
      const before = await services.store.db
        .select()
        .from(apiTokens)
        .where(eq(apiTokens.id, created.apiToken.id));
      expect(before[0]?.lastUsedAt).toBeNull();
      await me(created.token);
      // Written after the answer, off the request path: wait for it to land.
      await vi.waitFor(async () => {
        const rows = await services.store.db
          .select()
          .from(apiTokens)
          .where(eq(apiTokens.id, created.apiToken.id));
        expect(rows[0]?.lastUsedAt).toBeInstanceOf(Date);
        expect(rows[0]?.lastUsedIp).toBe('127.0.0.1');
      });
    });

    it('lets tenant admins list every token with its owner, revoke one and bulk revoke by user', async () => {
      const a = await createOk('alice', 'admin-visible-1');
      const b = await createOk('alice', 'admin-visible-2');
      expectProblem(
        await app.inject({ url: '/api/v1/admin/api-tokens', headers: as('alice') }),
        403,
        'forbidden',
      );
      const list = await app.inject({ url: '/api/v1/admin/api-tokens?status=active', headers: as('adam') });
      const items = list.json<{ items: { id: string; owner: { email: string } }[] }>().items;
      expect(items.find((i) => i.id === a.apiToken.id)?.owner.email).toBe('alice@demo.test');
      const one = await app.inject({
        method: 'DELETE',
        url: `/api/v1/admin/api-tokens/${a.apiToken.id}`,
        headers: as('adam'),
      });
      expect(one.statusCode).toBe(204);
      expectProblem(await me(a.token), 401, 'token_revoked');
      const aliceId = (await me(b.token)).json<{ user: { id: string } }>().user.id;
      const unrevoked = await services.store.db.select().from(apiTokens).where(eq(apiTokens.userId, aliceId));
      const activeBefore = unrevoked.filter((t) => t.revokedAt === null).length;
      const bulk = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/revocations',
        headers: as('adam'),
        payload: { userId: aliceId },
      });
      expect(bulk.statusCode, bulk.body).toBe(200);
      const result = bulk.json<{ revoked: number; ids: string[] }>();
      expect(result.revoked).toBe(activeBefore);
      expect(result.ids).toContain(b.apiToken.id);
      expectProblem(await me(b.token), 401, 'token_revoked');
      const events = await services.store.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.action, 'api_token.revoked'));
      for (const id of result.ids) expect(events.filter((e) => e.targetId === id)).toHaveLength(1);
      expectProblem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/admin/revocations',
          headers: as('adam'),
          payload: {},
        }),
        400,
        'validation_failed',
      );
    });

    it("answers 404 for another tenant's token, to users and tenant admins alike", async () => {
      await services.store.db.transaction((tx) =>
        ensureTenant(tx, { slug: 'acme', name: 'Acme' }, systemActor),
      );
      const directory = new UserDirectory(services.store.db, [
        { group: 'acme', tenant: 'acme', role: 'member' },
      ]);
      const bob = await directory.resolve(
        {
          issuer: 'https://idp.acme.example',
          subject: 'bob',
          email: 'bob@acme.example',
          name: 'Bob',
          groups: ['acme'],
        },
        { ip: null, userAgent: null },
      );
      const membership = bob.memberships[0]!;
      const { row } = await services.apiTokens.create(
        systemActor,
        { userId: bob.user.id, membership },
        {
          name: 'bob',
          services: ['*'],
          permissions: ['read'],
          expiresAt: new Date(Date.now() + 7 * 86_400_000),
          allowedCidrs: [],
        },
      );
      expectProblem(
        await app.inject({ url: `/api/v1/api-tokens/${row.id}`, headers: as('alice') }),
        404,
        'not_found',
      );
      expectProblem(
        await app.inject({ method: 'DELETE', url: `/api/v1/api-tokens/${row.id}`, headers: as('alice') }),
        404,
        'not_found',
      );
      expectProblem(
        await app.inject({
          method: 'DELETE',
          url: `/api/v1/admin/api-tokens/${row.id}`,
          headers: as('adam'),
        }),
        404,
        'not_found',
      );
      const bulk = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/revocations',
        headers: as('adam'),
        payload: { ids: [row.id] },
      });
      expect(bulk.json()).toEqual({ revoked: 0, ids: [] });
      expectProblem(
        await app.inject({ url: '/api/v1/me', headers: { ...as('alice'), 'latchkey-tenant': 'acme' } }),
        404,
        'not_found',
      );
    });

    it('refuses every token of a suspended tenant with 403 tenant_suspended, and accepts them again on resume', async () => {
      const created = await createOk('alice', 'suspension');
      expect((await me(created.token)).statusCode).toBe(200);
      const demo = await findTenantBySlug(services.store.db, 'demo');
      const setStatus = (status: 'active' | 'suspended') =>
        services.store.db
          .transaction(async (tx) => {
            await tx.update(tenants).set({ status }).where(eq(tenants.id, demo!.id));
            await publishChange(tx, { kind: 'tenant', id: demo!.id });
          })
          .then(() => {
            services.bus.announceLocally({ kind: 'tenant', id: demo!.id });
          });
      await setStatus('suspended');
      expectProblem(await me(created.token), 403, 'tenant_suspended');
      await setStatus('active');
      expect((await me(created.token)).statusCode).toBe(200);
    });

    describe('introspection (RFC 7662) and revocation (RFC 7009)', () => {
      const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
      const basic = (id: string, secret: string) =>
        `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
      const introspect = (token: string, auth = basic(RS.clientId, RS.clientSecret)) =>
        app.inject({
          method: 'POST',
          url: '/oauth/introspect',
          headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
          payload: form({ token }),
        });

      it('describes an active token to an authenticated resource server', async () => {
        const created = await createOk('alice', 'introspected', { permissions: ['read', 'write'] });
        const res = await introspect(created.token);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({
          active: true,
          scope: 'read write service:*',
          tenant: 'demo',
          token_type: 'Bearer',
          client_id: created.apiToken.id,
          username: 'alice@demo.test',
        });
        expect(res.json<{ exp: number }>().exp).toBe(
          Math.floor(Date.parse(created.apiToken.expiresAt) / 1000),
        );
      });

      it('answers only {"active":false} for revoked, unknown and garbage tokens', async () => {
        const created = await createOk('alice', 'to revoke');
        await app.inject({
          method: 'DELETE',
          url: `/api/v1/api-tokens/${created.apiToken.id}`,
          headers: as('alice'),
        });
        for (const token of [created.token, 'garbage', idp.alice!]) {
          const res = await introspect(token);
          expect(res.statusCode).toBe(200);
          expect(res.json()).toEqual({ active: false });
        }
      });

      it('refuses unknown resource servers with an RFC 6749 invalid_client', async () => {
        const created = await createOk('alice', 'client auth');
        for (const auth of [basic(RS.clientId, 'wrong'), basic('nobody', RS.clientSecret), 'Bearer x']) {
          const res = await introspect(created.token, auth);
          expect(res.statusCode).toBe(401);
          expect(res.json()).toMatchObject({ error: 'invalid_client' });
          expect(res.body).not.toContain('active');
        }
      });

      it('lets whoever holds a token revoke it, and always answers 200', async () => {
        const created = await createOk('alice', 'leaked');
        const revoke = (token: string) =>
          app.inject({
            method: 'POST',
            url: '/oauth/revoke',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: form({ token }),
          });
        expect((await revoke(created.token)).statusCode).toBe(200);
        expectProblem(await me(created.token), 401, 'token_revoked');
        expect((await revoke(created.token)).statusCode).toBe(200);
        expect((await revoke('not a token')).statusCode).toBe(200);
        const events = await services.store.db
          .select()
          .from(auditEvents)
          .where(eq(auditEvents.targetId, created.apiToken.id));
        expect(events.filter((e) => e.action === 'api_token.revoked').map((e) => e.actorType)).toEqual([
          'api_token',
        ]);
      });
    });
  });
}
