import type Provider from 'oidc-provider';
import type { ApiTokenService } from './api-tokens/service.js';
import type { ApiTokenVerifier } from './api-tokens/verifier.js';
import type { ChangeBus } from './notify/change-bus.js';
import type { ConsoleLogin } from './auth/console-login.js';
import type { IdentitySettings } from './auth/identity-settings.js';
import type { IdpTokenVerifier } from './auth/idp-token-verifier.js';
import type { SessionService } from './auth/sessions.js';
import type { UserDirectory } from './auth/user-directory.js';
import type { Config } from './config/load.js';
import type { ConnectionManager } from './connections/manage.js';
import type { ConsentFlow } from './connections/consent.js';
import type { ConnectorRegistry } from './connectors/registry.js';
import type { Keyring } from './crypto/keyring.js';
import type { DevIdpKey } from './dev-idp/keys.js';
import type { Metrics } from './http/metrics.js';
import type { RefreshEngine } from './refresh/engine.js';
import type { FreshTokenSource } from './refresh/fresh-token.js';
import type { Store } from './store/db.js';
import type { PartnerService } from './tenants/partner-service.js';
import type { TenantService } from './tenants/tenant-service.js';

/** Everything `buildApp` wires once and hands to route plugins, workers and the CLI. */
export interface AppServices {
  config: Config;
  store: Store;
  keyring: Keyring;
  identity: IdentitySettings;
  verifier: IdpTokenVerifier;
  users: UserDirectory;
  sessions: SessionService;
  consoleLogin: ConsoleLogin | undefined;
  metrics: Metrics;
  /** The service catalogue's connectors (the demo service included in the embedded default). */
  connectors: ConnectorRegistry;
  consent: ConsentFlow;
  connections: ConnectionManager;
  /** Usable downstream tokens, refreshed first when needed (SPEC §4.4): the proxy's source. */
  freshTokens: FreshTokenSource;
  /** The one way a connection gets refreshed (on demand, background, manual). */
  refreshEngine: RefreshEngine;
  /** Cross-replica cache invalidation (LISTEN/NOTIFY). */
  bus: ChangeBus;
  apiTokens: ApiTokenService;
  apiTokenVerifier: ApiTokenVerifier;
  devIdp: { provider: Provider; key: DevIdpKey } | undefined;
  /** Operator API: tenant lifecycle and provisioning, partners (SPEC §7). */
  tenants: TenantService;
  partners: PartnerService;
}
