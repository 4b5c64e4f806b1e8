import { randomBytes } from 'node:crypto';
import { sealToken } from '../../src/connections/secrets.js';
import { serviceSchema, type ServiceConfig } from '../../src/config/service-schema.js';
import { ConnectorRegistry } from '../../src/connectors/registry.js';
import { Keyring } from '../../src/crypto/keyring.js';
import { createMetrics, type Metrics } from '../../src/http/metrics.js';
import { ChangeBus } from '../../src/notify/change-bus.js';
import { RefreshEngine } from '../../src/refresh/engine.js';
import { OnDemandTokens } from '../../src/refresh/on-demand.js';
import type { Store } from '../../src/store/db.js';
import { connections, tenants, users } from '../../src/store/schema/index.js';
import type { RefreshProvider } from './refresh-provider.js';

export const REFRESH_SERVICE = 'files';

/** The catalogue entry of an `oauth2` service whose token endpoint is `provider`. */
export function refreshService(provider: {
  url: string;
  clientId: string;
  clientSecret: string;
}): ServiceConfig {
  return serviceSchema.parse({
    id: REFRESH_SERVICE,
    name: 'Files',
    baseUrl: 'http://127.0.0.1:9/',
    connector: {
      type: 'oauth2',
      authorizationEndpoint: `${provider.url}/authorize`,
      tokenEndpoint: `${provider.url}/token`,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      tokenEndpointAuthMethod: 'client_secret_basic',
    },
    refresh: { enabled: true, earlySeconds: 60, beforeExpirySeconds: 300 },
  });
}

/** A keyring from a fixed test key, so another process can open what this one sealed. */
export function testKeyring(keyHex = '11'.repeat(32)): Keyring {
  return new Keyring([{ id: 'k1', key: Buffer.from(keyHex, 'hex') }]);
}

/** The refresh stack as app.ts wires it, over `store`, for one service. */
export async function refreshStack(
  store: Store,
  service: ServiceConfig,
  keyring: Keyring,
): Promise<{
  bus: ChangeBus;
  engine: RefreshEngine;
  tokens: OnDemandTokens;
  connectors: ConnectorRegistry;
  metrics: Metrics;
}> {
  const metrics = createMetrics();
  const bus = new ChangeBus(store, metrics.registry);
  await bus.start();
  const connectors = new ConnectorRegistry([service], true);
  const engine = new RefreshEngine({ store, keyring, connectors, bus, metrics });
  const tokens = new OnDemandTokens({ db: store.db, keyring, connectors, bus, engine, metrics });
  return { bus, engine, tokens, connectors, metrics };
}

export async function seedTenant(store: Store, tenantId = 'ten_r'): Promise<string> {
  await store.db
    .insert(tenants)
    .values({ id: tenantId, slug: tenantId.replace(/_/g, '-'), name: tenantId, status: 'active' })
    .onConflictDoNothing();
  return tenantId;
}

/**
 * A user with a connection to the service holding a fresh grant of `provider`; the access token
 * expires at `expiresAt`, the background refresher picks it up at `nextRefreshAt`.
 */
export async function seedConnection(
  store: Store,
  keyring: Keyring,
  provider: RefreshProvider,
  options: { tenantId: string; expiresAt: Date; nextRefreshAt?: Date | null; userId?: string },
): Promise<{ id: string; userId: string; refreshToken: string; accessToken: string }> {
  const suffix = randomBytes(6).toString('hex');
  const userId = options.userId ?? `usr_${suffix}`;
  await store.db
    .insert(users)
    .values({ id: userId, issuer: 'https://idp.test', subject: userId })
    .onConflictDoNothing();
  const id = `con_${suffix}`;
  const grant = provider.grant();
  await store.db.insert(connections).values({
    id,
    tenantId: options.tenantId,
    userId,
    serviceId: REFRESH_SERVICE,
    accessTokenEnc: sealToken(keyring, id, 'access_token', grant.accessToken),
    refreshTokenEnc: sealToken(keyring, id, 'refresh_token', grant.refreshToken),
    expiresAt: options.expiresAt,
    nextRefreshAt: options.nextRefreshAt ?? null,
  });
  return { id, userId, ...grant };
}
