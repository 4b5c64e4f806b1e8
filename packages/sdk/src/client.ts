import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { followAuditWith, type FollowOptions } from './audit-stream.js';
import type { ClientContext } from './context.js';
import { errorFromResponse } from './errors.js';
import { exchangeWith, type ExchangedToken, type ExchangeOptions } from './exchange.js';
import type { paths } from './generated/openapi.js';
import { paginate } from './pagination.js';
import { proxyFetchWith } from './proxy-fetch.js';
import type {
  ApiToken,
  AuditEvent,
  AuditFilters,
  ConsentRequired,
  Connection,
  CreateApiToken,
  CreatedApiToken,
  Dashboard,
  DashboardOptions,
  Me,
  Service,
} from './types.js';
import { unwrap } from './unwrap.js';

/** Options of {@link createLatchkeyClient}. */
export interface LatchkeyClientOptions {
  /** Where Latchkey answers, e.g. `https://latchkey.example.com` (or `''` in the console: same origin). */
  baseUrl: string;
  /** An `lk_…` API token or an IdP access token (Node, scripts). Omit in the browser: the session cookie is used. */
  token?: string;
  /** Tenant to act in when the caller belongs to several (sent as `Latchkey-Tenant`). */
  tenant?: string;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof globalThis.fetch;
  /** Cookie policy; defaults to `include` without a token (browser session), `omit` with one. */
  credentials?: NonNullable<RequestInit['credentials']>;
}

/** A typed Latchkey client. Every failed call throws a `LatchkeyError` (or `ConsentRequiredError`). */
export interface LatchkeyClient {
  /** The base URL the client calls. */
  readonly baseUrl: string;
  /** The raw typed client over every route of the OpenAPI document (`api.GET('/api/v1/me')`). */
  readonly api: Client<paths>;
  /** The caller: user, tenant, credential. */
  me(): Promise<Me>;
  /** The service catalogue. */
  services(): Promise<Service[]>;
  /**
   * Dashboard figures and charts: proxied calls per service and refresh outcomes per hour over
   * the last 24 hours or 7 days, for the caller or (tenant admins, `view: 'tenant'`) the tenant.
   */
  dashboard(options?: DashboardOptions): Promise<Dashboard>;
  /**
   * Connects a service: the connection when it exists, else a consent to open in a browser.
   *
   * @example
   * const r = await lk.connect('files');
   * if ('authorizationUrl' in r) window.location.assign(r.authorizationUrl);
   */
  connect(service: string, options?: { returnTo?: string }): Promise<Connection | ConsentRequired>;
  /** The caller's connections. */
  readonly connections: {
    list(): Promise<Connection[]>;
    get(id: string): Promise<Connection>;
    refresh(id: string): Promise<Connection>;
    revoke(id: string): Promise<void>;
  };
  /** The caller's API tokens. */
  readonly tokens: {
    create(input: CreateApiToken): Promise<CreatedApiToken>;
    list(): Promise<ApiToken[]>;
    get(id: string): Promise<ApiToken>;
    rotate(id: string, options?: { gracePeriodSeconds?: number }): Promise<CreatedApiToken>;
    revoke(id: string): Promise<void>;
  };
  /** Every audit event visible to the caller, newest first, pages fetched as you iterate. */
  audit(filters?: AuditFilters, pageSize?: number): AsyncGenerator<AuditEvent, void, undefined>;
  /**
   * The live tail of the caller's audit events (server-sent events) until `signal` aborts.
   *
   * @example
   * const stop = new AbortController();
   * for await (const e of lk.followAudit({ action: 'api_token.created' }, { signal: stop.signal })) console.log(e);
   */
  followAudit(filters?: AuditFilters, options?: FollowOptions): AsyncGenerator<AuditEvent, void, undefined>;
  /**
   * `fetch` through the proxy: the upstream's response, streamed (2xx/3xx and the upstream's own
   * errors are returned as they are); Latchkey's own refusals throw a `LatchkeyError`, a missing
   * consent a `ConsentRequiredError`.
   *
   * @example
   * const res = await lk.proxyFetch('files', '/remote.php/dav/files/alice/big.iso');
   * await pipeline(Readable.fromWeb(res.body), createWriteStream('big.iso'));
   */
  proxyFetch(service: string, path: string, init?: RequestInit): Promise<Response>;
  /**
   * A fresh downstream token for `service` by token exchange (RFC 8693); the client's token (with
   * the `exchange` permission, or an IdP token) is the subject.
   *
   * @example
   * const { accessToken } = await lk.exchange('mail');
   * await fetch('https://mail.example.com/jmap/session', { headers: { authorization: `Bearer ${accessToken}` } });
   */
  exchange(service: string, options?: ExchangeOptions): Promise<ExchangedToken>;
}

function contextOf(options: LatchkeyClientOptions): ClientContext {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const token = options.token;
  const tenant = options.tenant;
  return {
    baseUrl,
    token,
    // Bound so browsers do not throw "Illegal invocation" when it is called detached.
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    credentials: options.credentials ?? (token === undefined ? 'include' : 'omit'),
    headers(extra) {
      const headers = new Headers(extra);
      if (token !== undefined && !headers.has('authorization'))
        headers.set('authorization', `Bearer ${token}`);
      if (tenant !== undefined && !headers.has('latchkey-tenant')) headers.set('latchkey-tenant', tenant);
      return headers;
    },
  };
}

/** Throws the typed error of every failed call, so results only need narrowing. */
const throwProblems: Middleware = {
  async onResponse({ response }) {
    if (!response.ok) throw await errorFromResponse(response);
    return undefined;
  },
};

/**
 * A typed client for Latchkey's API, for Node 20+ (pass a token) and browsers (session cookie).
 *
 * @example
 * import { createLatchkeyClient } from '@latchkey/sdk';
 *
 * const lk = createLatchkeyClient({ baseUrl: 'https://latchkey.example.com', token: process.env.LATCHKEY_TOKEN });
 * const me = await lk.me();
 * const res = await lk.proxyFetch('demo', '/notes');
 * console.log(me.user.email, await res.json());
 */
export function createLatchkeyClient(options: LatchkeyClientOptions): LatchkeyClient {
  const ctx = contextOf(options);
  const api = createClient<paths>({
    baseUrl: ctx.baseUrl,
    credentials: ctx.credentials,
    fetch: (request) => ctx.fetch(request),
    headers: Object.fromEntries(ctx.headers().entries()),
  });
  api.use(throwProblems);

  return {
    baseUrl: ctx.baseUrl,
    api,
    me: async () => unwrap(await api.GET('/api/v1/me')),
    services: async () => unwrap(await api.GET('/api/v1/services')).items,
    dashboard: async (dashboardOptions = {}) =>
      unwrap(await api.GET('/api/v1/dashboard', { params: { query: dashboardOptions } })),
    connect: async (service, connectOptions = {}) =>
      unwrap(
        await api.POST('/api/v1/connections', {
          body: {
            service,
            ...(connectOptions.returnTo === undefined ? {} : { returnTo: connectOptions.returnTo }),
          },
        }),
      ),
    connections: {
      list: async () => unwrap(await api.GET('/api/v1/connections')).items,
      get: async (id) => unwrap(await api.GET('/api/v1/connections/{id}', { params: { path: { id } } })),
      refresh: async (id) =>
        unwrap(await api.POST('/api/v1/connections/{id}/refresh', { params: { path: { id } } })),
      revoke: async (id) => {
        await api.DELETE('/api/v1/connections/{id}', { params: { path: { id } } });
      },
    },
    tokens: {
      create: async (input) => unwrap(await api.POST('/api/v1/api-tokens', { body: input })),
      list: async () => unwrap(await api.GET('/api/v1/api-tokens')).items,
      get: async (id) => unwrap(await api.GET('/api/v1/api-tokens/{id}', { params: { path: { id } } })),
      rotate: async (id, rotateOptions = {}) =>
        unwrap(
          await api.POST('/api/v1/api-tokens/{id}/rotate', {
            params: { path: { id } },
            body: { gracePeriodSeconds: rotateOptions.gracePeriodSeconds ?? 0 },
          }),
        ),
      revoke: async (id) => {
        await api.DELETE('/api/v1/api-tokens/{id}', { params: { path: { id } } });
      },
    },
    audit: (filters = {}, pageSize = 100) =>
      paginate(async (cursor) =>
        unwrap(
          await api.GET('/api/v1/audit', {
            params: { query: { ...filters, limit: pageSize, ...(cursor === undefined ? {} : { cursor }) } },
          }),
        ),
      ),
    followAudit: (filters = {}, followOptions = {}) => followAuditWith(ctx, filters, followOptions),
    proxyFetch: (service, path, init) => proxyFetchWith(ctx, service, path, init),
    exchange: (service, exchangeOptions) => exchangeWith(ctx, service, exchangeOptions),
  };
}
