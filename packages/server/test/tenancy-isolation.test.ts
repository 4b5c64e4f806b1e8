import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/audit/record.js';
import { buildApp } from '../src/app.js';
import { OPENAPI_PATH } from '../src/http/openapi.js';
import type { AppServices } from '../src/services.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { signInDemoCallers, type Caller } from './helpers/demo-callers.js';

/*
 * The isolation matrix (SPEC §3.2): every route of tenant administration and of the operator API
 * × every kind of caller × the caller's own tenant / another tenant / no tenant, generated from
 * the one table below. A route added under these prefixes without a row fails the last test.
 *
 * Contexts. Admin routes: `own` sends `Latchkey-Tenant: demo` (the demo users' tenant), `other`
 * names a tenant they do not belong to (404, never 403: no existence oracle), `none` sends no
 * header (the caller's only tenant, or 400 tenant_required for one with none). Operator routes:
 * `own`/`other` target those same two tenants (or two partners), `none` a slug that does not exist.
 */

type Role = Caller | 'anonymous';
type Ctx = 'own' | 'other' | 'none';
type Expect = Record<Role, readonly [own: number, other: number, none: number]>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const roles: Role[] = ['anonymous', 'gina', 'alice', 'adam', 'adamToken', 'olga', 'aliceOp', 'olgaOp'];
const contexts: Ctx[] = ['own', 'other', 'none'];
const all = (s: number) => [s, s, s] as const;

/** Operator routes: only a platform admin with an operator-audience token gets in. */
function operator(ok: number, okNone = 404): Expect {
  return {
    anonymous: all(401),
    gina: all(403),
    alice: all(403),
    adam: all(403),
    adamToken: all(403),
    olga: all(403),
    aliceOp: all(403),
    olgaOp: [ok, ok, okNone],
  };
}

/** Tenant-admin routes: the tenant's admin only; another tenant is 404 for everyone. */
function admin(ok: number): Expect {
  return {
    anonymous: all(401),
    gina: [403, 404, 403],
    alice: [403, 404, 403],
    adam: [ok, 404, ok],
    // An API token never administers, whatever its owner's role.
    adamToken: all(403),
    // The platform-admin flag grants nothing inside a tenant: olga belongs to none.
    olga: [404, 404, 400],
    aliceOp: [403, 404, 403],
    olgaOp: [404, 404, 400],
  };
}

interface Row {
  method: Method;
  /** The route as registered (OpenAPI path), to prove every route has a row. */
  route: string;
  /** The concrete URL for a context; may prepare a fresh target (a token, a partner). */
  url: (ctx: Ctx) => string | Promise<string>;
  body?: object;
  expect: Expect;
}

describe('isolation matrix: tenant administration and the operator API (SPEC §3.2)', () => {
  const data = tempDataDir();
  let app: FastifyInstance;
  let services: AppServices;
  let auth: Record<Caller, string>;
  let n = 0;
  const fresh = (prefix: string) => `${prefix}-${(n += 1)}`;

  const tenantSlug = (ctx: Ctx) => ({ own: 'demo', other: 'other', none: 'nowhere' })[ctx];
  const partnerSlug = (ctx: Ctx) => ({ own: 'p-own', other: 'p-other', none: 'p-nowhere' })[ctx];
  /** A fresh active partner per case, so termination can succeed each time it is allowed to. */
  const terminable = async (ctx: Ctx) => {
    if (ctx === 'none') return 'p-nowhere';
    const slug = fresh(`p-${ctx}`);
    await services.partners.create(systemActor, {
      slug,
      name: slug,
      domain: null,
      marginPct: 0,
      contact: {},
      billing: {},
    });
    return slug;
  };
  /** A fresh token of alice in demo, so each allowed revocation has something to revoke. */
  const aliceToken = async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/api-tokens',
      headers: { authorization: auth.alice },
      payload: { name: fresh('matrix'), services: ['*'], permissions: ['read'], expiresInDays: 7 },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ apiToken: { id: string } }>().apiToken.id;
  };

  const rows: Row[] = [
    // Tenant administration (existing API-token administration and the users listing).
    { method: 'GET', route: '/api/v1/admin/users', url: () => '/api/v1/admin/users', expect: admin(200) },
    {
      method: 'GET',
      route: '/api/v1/admin/api-tokens',
      url: () => '/api/v1/admin/api-tokens',
      expect: admin(200),
    },
    {
      method: 'DELETE',
      route: '/api/v1/admin/api-tokens/{id}',
      url: async () => `/api/v1/admin/api-tokens/${await aliceToken()}`,
      expect: admin(204),
    },
    {
      method: 'POST',
      route: '/api/v1/admin/revocations',
      url: () => '/api/v1/admin/revocations',
      body: { ids: ['tok_none'] },
      expect: admin(200),
    },
    {
      method: 'GET',
      route: '/api/v1/admin/token-policy',
      url: () => '/api/v1/admin/token-policy',
      expect: admin(200),
    },
    {
      method: 'PUT',
      route: '/api/v1/admin/token-policy',
      url: () => '/api/v1/admin/token-policy',
      body: { maxLifetimeDays: 365 },
      expect: admin(200),
    },
    {
      method: 'GET',
      route: '/api/v1/admin/services/{id}/settings',
      url: () => '/api/v1/admin/services/demo/settings',
      expect: admin(200),
    },
    {
      method: 'PUT',
      route: '/api/v1/admin/services/{id}/settings',
      url: () => '/api/v1/admin/services/demo/settings',
      body: { refreshEnabled: true, beforeExpirySeconds: 300, maxConcurrency: 4 },
      expect: admin(200),
    },
    // Operator: tenants.
    {
      method: 'GET',
      route: '/api/v1/operator/tenants',
      url: () => '/api/v1/operator/tenants',
      expect: operator(200, 200),
    },
    {
      method: 'POST',
      route: '/api/v1/operator/tenants',
      url: () => '/api/v1/operator/tenants',
      body: { slug: 'created-by-matrix', name: 'x' },
      // One create succeeds; the same slug again is a conflict, whoever's context it runs in.
      expect: { ...operator(409, 409), olgaOp: [201, 409, 409] },
    },
    {
      method: 'GET',
      route: '/api/v1/operator/tenants/{slug}',
      url: (c) => `/api/v1/operator/tenants/${tenantSlug(c)}`,
      expect: operator(200),
    },
    {
      method: 'PATCH',
      route: '/api/v1/operator/tenants/{slug}',
      url: (c) => `/api/v1/operator/tenants/${tenantSlug(c)}`,
      body: { plan: 'standard' },
      expect: operator(200),
    },
    {
      method: 'GET',
      route: '/api/v1/operator/tenants/{slug}/users',
      url: (c) => `/api/v1/operator/tenants/${tenantSlug(c)}/users`,
      expect: operator(200),
    },
    {
      method: 'POST',
      route: '/api/v1/operator/tenants/{slug}/reconcile',
      url: (c) => `/api/v1/operator/tenants/${tenantSlug(c)}/reconcile`,
      expect: operator(200),
    },
    // Suspend then resume: the resume row runs after, so each pair leaves the tenants active.
    {
      method: 'POST',
      route: '/api/v1/operator/tenants/{slug}/suspend',
      url: (c) => `/api/v1/operator/tenants/${tenantSlug(c)}/suspend`,
      expect: operator(200),
    },
    {
      method: 'POST',
      route: '/api/v1/operator/tenants/{slug}/resume',
      url: (c) => `/api/v1/operator/tenants/${tenantSlug(c)}/resume`,
      expect: operator(200),
    },
    {
      method: 'DELETE',
      route: '/api/v1/operator/tenants/{slug}',
      // Deleting is final: each allowed case deletes a tenant of its own.
      url: async (c) => {
        if (c === 'none') return '/api/v1/operator/tenants/nowhere';
        const slug = fresh(`doomed-${c}`);
        await services.tenants.create(systemActor, {
          slug,
          name: slug,
          plan: 'standard',
          domains: [],
          partnerId: null,
        });
        return `/api/v1/operator/tenants/${slug}`;
      },
      expect: operator(200),
    },
    // Operator: partners.
    {
      method: 'GET',
      route: '/api/v1/operator/partners',
      url: () => '/api/v1/operator/partners',
      expect: operator(200, 200),
    },
    {
      method: 'POST',
      route: '/api/v1/operator/partners',
      url: () => '/api/v1/operator/partners',
      body: { slug: 'p-created-by-matrix', name: 'x' },
      expect: { ...operator(409, 409), olgaOp: [201, 409, 409] },
    },
    {
      method: 'GET',
      route: '/api/v1/operator/partners/{slug}',
      url: (c) => `/api/v1/operator/partners/${partnerSlug(c)}`,
      expect: operator(200),
    },
    {
      method: 'PATCH',
      route: '/api/v1/operator/partners/{slug}',
      url: (c) => `/api/v1/operator/partners/${partnerSlug(c)}`,
      body: { marginPct: 10 },
      expect: operator(200),
    },
    {
      method: 'POST',
      route: '/api/v1/operator/partners/{slug}/terminate',
      url: async (c) => `/api/v1/operator/partners/${await terminable(c)}/terminate`,
      expect: operator(200),
    },
  ];

  beforeAll(async () => {
    ({ app, services } = await buildApp(testConfig(data.dir)));
    auth = await signInDemoCallers(app);
    await services.tenants.create(systemActor, {
      slug: 'other',
      name: 'Other',
      plan: 'standard',
      domains: [],
      partnerId: null,
    });
    for (const slug of ['p-own', 'p-other']) {
      await services.partners.create(systemActor, {
        slug,
        name: slug,
        domain: null,
        marginPct: 0,
        contact: {},
        billing: {},
      });
    }
  });
  afterAll(async () => {
    await app.close();
    data.cleanup();
  });

  for (const row of rows) {
    describe(`${row.method} ${row.route}`, () => {
      for (const role of roles) {
        it(`${role}: own ${row.expect[role][0]}, other ${row.expect[role][1]}, none ${row.expect[role][2]}`, async () => {
          const got: number[] = [];
          for (const ctx of contexts) {
            const url = await row.url(ctx);
            const headers: Record<string, string> = {};
            if (role !== 'anonymous') headers.authorization = auth[role];
            if (row.route.startsWith('/api/v1/admin/') && ctx !== 'none')
              headers['latchkey-tenant'] = tenantSlug(ctx);
            const res = await app.inject({
              method: row.method,
              url,
              headers,
              ...(row.body ? { payload: row.body } : {}),
            });
            got.push(res.statusCode);
          }
          expect(got).toEqual(row.expect[role]);
        });
      }
    });
  }

  it('has a row for every tenant-administration and operator route', async () => {
    const doc = (await app.inject({ url: OPENAPI_PATH })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const covered =
      /^\/api\/v1\/(operator\/(tenants|partners)|admin\/(users|api-tokens|revocations|token-policy|services))(\/|$)/;
    const registered = Object.entries(doc.paths)
      .filter(([path]) => covered.test(path))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(registered.length).toBeGreaterThan(0);
    expect(rows.map((r) => `${r.method} ${r.route}`).sort()).toEqual(registered);
  });
});
