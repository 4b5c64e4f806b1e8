import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createServer } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { pino, type DestinationStream } from 'pino';
import { createAuthenticator, installAuthentication } from './auth/authenticate.js';
import { ConsoleLogin } from './auth/console-login.js';
import {
  DEV_CONSOLE_CLIENT_ID,
  DEV_OPERATOR_AUDIENCE,
  DEV_OPERATOR_SCOPE,
  devOperatorResource,
  resolveIdentity,
} from './auth/identity-settings.js';
import { IdpTokenVerifier } from './auth/idp-token-verifier.js';
import { SessionService } from './auth/sessions.js';
import { UserDirectory } from './auth/user-directory.js';
import { systemActor } from './audit/record.js';
import { auditRoutes } from './routes/audit/index.js';
import { addDavMethods, createProxyFront, proxyUrlRewriter } from './routes/proxy/index.js';
import type { ProxyFront } from './proxy/front.js';
import { davWellKnownRoutes } from './routes/proxy/dav-well-known.js';
import { loadOrCreateKeys } from './config/embedded.js';
import type { Config } from './config/load.js';
import { Keyring } from './crypto/keyring.js';
import { loadOrCreateDevIdpKey } from './dev-idp/keys.js';
import { createDevProvider } from './dev-idp/provider.js';
import { devIdpRoutes } from './dev-idp/routes.js';
import { clientAddressing } from './http/client-address.js';
import { genReqId, loggerOptions } from './http/logging.js';
import { createMetrics, installMetricsHooks } from './http/metrics.js';
import { registerOpenApi } from './http/openapi.js';
import { frameworkErrorHandler, installProblemHandlers } from './http/problem.js';
import { ApiTokenService } from './api-tokens/service.js';
import { ApiTokenVerifier } from './api-tokens/verifier.js';
import { ChangeBus } from './notify/change-bus.js';
import { adminTokenRoutes } from './routes/admin/api-tokens.js';
import { serviceSettingsRoutes } from './routes/admin/service-settings.js';
import { createTokenRoute } from './routes/api-tokens/create.js';
import { readTokenRoutes } from './routes/api-tokens/read.js';
import { revokeTokenRoute } from './routes/api-tokens/revoke.js';
import { rotateTokenRoute } from './routes/api-tokens/rotate.js';
import { introspectRoute } from './routes/oauth/introspect.js';
import { revokeRoute } from './routes/oauth/revoke.js';
import { tokenExchangeRoute } from './routes/oauth/token.js';
import { authRoutes } from './routes/auth.js';
import { ConnectionManager } from './connections/manage.js';
import { RefreshEngine } from './refresh/engine.js';
import { OnDemandTokens } from './refresh/on-demand.js';
import { ConsentFlow } from './connections/consent.js';
import { ConnectorRegistry } from './connectors/registry.js';
import { catalogueWithDemo, demoIdpClient, demoIdpResources } from './demo/catalogue.js';
import { demoNotesRoutes } from './demo/notes-api.js';
import { connectionRoutes } from './routes/connections/index.js';
import { consoleRoutes } from './routes/console.js';
import { healthRoutes } from './routes/health.js';
import { meRoutes } from './routes/me.js';
import { dashboardRoutes } from './routes/dashboard.js';
import type { AppServices } from './services.js';
import { openStore, type Store } from './store/db.js';
import { runMigrations } from './store/migrate.js';
import { ensureTenant } from './store/tenants.js';
import { VERSION } from './version.js';
import { PartnerService } from './tenants/partner-service.js';
import { TenantService } from './tenants/tenant-service.js';
import { adminUsersRoute } from './routes/admin/users.js';
import { operatorPartnerRoutes } from './routes/operator/partners/index.js';
import { operatorTenantRoutes } from './routes/operator/tenants/index.js';

export interface BuildOptions {
  /** A store opened by the caller (tests share one); otherwise opened from the config and owned. */
  store?: Store;
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
  /** Where JSON logs go (default stdout); tests capture them to prove nothing secret is logged. */
  logStream?: DestinationStream;
}

/** Opens the store the config names: PostgreSQL at `database.url`, else PGlite under `dataDir`. */
export function openConfiguredStore(config: Config): Promise<Store> {
  return openStore({
    url: config.database.url,
    pgliteDir: join(config.dataDir, 'pgdata'),
    poolSize: config.database.poolSize,
  });
}

/** The keyring from the config, or the embedded default's generated keys. */
export function keyringFor(config: Config): Keyring {
  return new Keyring(config.encryption.keys ?? loadOrCreateKeys(config.dataDir));
}

/**
 * The composition root: builds every service once (store, keyring, identity, sessions, metrics)
 * and registers the route plugins. Server, tests, workers and the CLI all start here.
 */
export async function buildApp(
  config: Config,
  options: BuildOptions = {},
): Promise<{ app: FastifyInstance; services: AppServices }> {
  const keyring = keyringFor(config);
  const ownsStore = options.store === undefined;
  const store = options.store ?? (await openConfiguredStore(config));
  try {
    if (options.migrate !== false) await runMigrations(store);

    const devKey = config.devMode ? await loadOrCreateDevIdpKey(config.dataDir) : undefined;
    const consoleSecret = randomBytes(32).toString('base64url');
    const identity = resolveIdentity(config, devKey && { key: devKey, consoleSecret });
    const bootstrapped: string[] = [];
    for (const seed of identity.tenantSeeds) {
      const created = await store.db.transaction((tx) => ensureTenant(tx, seed, systemActor));
      if (created) bootstrapped.push(seed.slug);
    }

    const metrics = createMetrics();
    const publicUrl = config.server.publicUrl;
    const bus = new ChangeBus(store, metrics.registry);
    await bus.start();
    const pinoLogger = pino(loggerOptions(config.log.level), options.logStream);
    const logger: FastifyBaseLogger = pinoLogger;
    const logError = (err: unknown) => {
      // Background bookkeeping (last-used writes): a failure must not fail the request.
      logger.warn({ err }, 'background write failed');
    };
    const apiTokenVerifier = new ApiTokenVerifier({
      db: store.db,
      bus,
      onBackgroundError: logError,
      cacheCounter: metrics.tokenCacheCounts.apiToken,
    });
    // The embedded default's demo service: an `oidc` connector against the development IdP.
    const demoSecret = randomBytes(32).toString('base64url');
    const catalogue = catalogueWithDemo(config, identity.devIssuer, demoSecret);
    const connectors = new ConnectorRegistry(catalogue, config.devMode);
    const apiTokens = new ApiTokenService(
      store.db,
      bus,
      catalogue.map((s) => s.id),
    );
    const refreshEngine = new RefreshEngine({ store, keyring, connectors, bus, metrics });
    const verifier = new IdpTokenVerifier(identity.issuers, config.idp.clockSkewSeconds);
    const services: AppServices = {
      config,
      connectors,
      consent: new ConsentFlow({ db: store.db, keyring, connectors, publicUrl }),
      connections: new ConnectionManager({ db: store.db, keyring, connectors, engine: refreshEngine, bus }),
      freshTokens: new OnDemandTokens({
        db: store.db,
        keyring,
        connectors,
        bus,
        engine: refreshEngine,
        metrics,
      }),
      refreshEngine,
      store,
      keyring,
      identity,
      verifier,
      users: new UserDirectory(store.db, identity.groupMappings),
      sessions: new SessionService(store.db, config.session.ttlSeconds, config.session.operatorTtlSeconds),
      consoleLogin:
        identity.console &&
        new ConsoleLogin({
          db: store.db,
          keyring,
          client: identity.console,
          publicUrl,
          claims: config.idp.claims,
          allowHttp:
            config.devMode || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(identity.console.issuer),
          checkAccessToken: (token) => verifier.verify(token),
        }),
      metrics,
      bus,
      apiTokens,
      apiTokenVerifier,
      devIdp:
        devKey && identity.devIssuer !== undefined
          ? {
              key: devKey,
              provider: createDevProvider({
                issuer: identity.devIssuer,
                key: devKey,
                clients: [
                  {
                    client_id: DEV_CONSOLE_CLIENT_ID,
                    client_secret: consoleSecret,
                    redirect_uris: [`${publicUrl}/auth/callback`],
                    grant_types: ['authorization_code', 'refresh_token'],
                    response_types: ['code'],
                  },
                  ...demoIdpClient(catalogue, publicUrl, demoSecret),
                ],
                resources: [
                  ...demoIdpResources(catalogue, publicUrl),
                  {
                    resource: devOperatorResource(publicUrl),
                    audience: DEV_OPERATOR_AUDIENCE,
                    scope: DEV_OPERATOR_SCOPE,
                  },
                ],
              }),
            }
          : undefined,
      tenants: new TenantService({ db: store.db, bus, services: config.services }),
      partners: new PartnerService(store.db),
    };
    // SPEC §7: a tenant created from the config is provisioned like any other, once, by the
    // replica that created it; failed steps wait for an operator's reconcile.
    for (const slug of bootstrapped) await services.tenants.provisionBootstrapped(slug);

    const authenticator = createAuthenticator({
      db: store.db,
      verifier: services.verifier,
      apiTokens: apiTokenVerifier,
      users: services.users,
      sessions: services.sessions,
      metrics,
      claims: config.idp.claims,
      publicOrigin: new URL(publicUrl).origin,
    });
    // The proxy's front door takes its requests before Fastify routes anything (proxy/front.ts);
    // it exists once the app is built, which happens after the server object is made.
    const proxyFront: { current?: ProxyFront } = {};
    const app = Fastify({
      loggerInstance: logger,
      genReqId,
      bodyLimit: config.server.bodyLimitBytes,
      trustProxy: config.server.trustProxy,
      return503OnClosing: true,
      frameworkErrors: frameworkErrorHandler,
      rewriteUrl: proxyUrlRewriter(catalogue),
      serverFactory: (handler) => {
        const server = createServer((req, res) => {
          if (proxyFront.current?.take(req, res) !== true) handler(req, res);
        });
        // Fastify applies its default timeouts only to servers it creates itself: the same here
        // (long keep-alive, no request or idle limit of node's own; the proxy has its own limits).
        server.keepAliveTimeout = 72_000;
        server.requestTimeout = 0;
        server.setTimeout(0);
        return server;
      },
    }).withTypeProvider<ZodTypeProvider>();
    addDavMethods(app);
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    installProblemHandlers(app);
    app.addHook('onRequest', (request, reply, done) => {
      void reply.header('x-request-id', request.id);
      done();
    });
    installMetricsHooks(app, metrics);
    await registerOpenApi(app, VERSION);
    installAuthentication(app, authenticator);

    await app.register(healthRoutes, { services });
    await app.register(meRoutes, { services });
    await app.register(dashboardRoutes, { services });
    await app.register(authRoutes, { services });
    await app.register(consoleRoutes, { services });
    await app.register(devIdpRoutes, { services });
    await app.register(connectionRoutes, { services });
    if (services.devIdp !== undefined && identity.devIssuer !== undefined) {
      await app.register(demoNotesRoutes, {
        issuer: identity.devIssuer,
        publicJwk: services.devIdp.key.publicJwk,
      });
    }
    await app.register(createTokenRoute, { services });
    await app.register(readTokenRoutes, { services });
    await app.register(revokeTokenRoute, { services });
    await app.register(rotateTokenRoute, { services });
    await app.register(adminTokenRoutes, { services });
    await app.register(serviceSettingsRoutes, { services });
    await app.register(adminUsersRoute, { services });
    await app.register(operatorTenantRoutes, { services });
    await app.register(operatorPartnerRoutes, { services });
    await app.register(introspectRoute, { services });
    await app.register(revokeRoute, { services });
    await app.register(tokenExchangeRoute, { services });
    await app.register(auditRoutes, { services });
    proxyFront.current = createProxyFront(app, services, {
      log: pinoLogger,
      authenticator,
      addressing: clientAddressing(config.server.trustProxy),
    });
    await app.register(davWellKnownRoutes, { services });

    app.addHook('onClose', () => bus.stop());
    if (ownsStore) app.addHook('onClose', () => store.close());
    await app.ready();
    return { app, services };
  } catch (err) {
    if (ownsStore) await store.close();
    throw err;
  }
}
