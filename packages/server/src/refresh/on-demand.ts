import { systemActor } from '../audit/record.js';
import type { ConnectionOwner } from '../connections/manage.js';
import { openToken } from '../connections/secrets.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { Keyring } from '../crypto/keyring.js';
import { AppError } from '../errors.js';
import type { Metrics } from '../http/metrics.js';
import type { ChangeBus } from '../notify/change-bus.js';
import { findConnectionForService, type ConnectionRow } from '../store/connections.js';
import type { Db } from '../store/db.js';
import { coolingError, type RefreshEngine } from './engine.js';
import type { AcquireOptions, DownstreamToken, FreshTokenSource } from './fresh-token.js';
import { TokenCache } from './token-cache.js';

export interface OnDemandDeps {
  db: Db;
  keyring: Keyring;
  connectors: ConnectorRegistry;
  bus: ChangeBus;
  engine: RefreshEngine;
  metrics?: Pick<Metrics, 'tokenCacheCounts'> | undefined;
  cacheSize?: number;
  now?: () => Date;
}

/**
 * SPEC §4.4 "on demand": a usable token for the proxy and token exchange. Valid beyond the
 * service's `earlySeconds` → returned as is (from memory when possible); otherwise refreshed
 * first through the engine, which makes sure only one caller anywhere reaches the provider.
 */
export class OnDemandTokens implements FreshTokenSource {
  readonly #db: Db;
  readonly #keyring: Keyring;
  readonly #connectors: ConnectorRegistry;
  readonly #bus: ChangeBus;
  readonly #engine: RefreshEngine;
  readonly #countHit: () => void;
  readonly #countMiss: () => void;
  readonly #now: () => Date;
  /** `#now` in epoch ms, without a Date per proxied request when the clock is the real one. */
  readonly #nowMs: () => number;
  readonly cache: TokenCache;

  constructor(deps: OnDemandDeps) {
    this.#db = deps.db;
    this.#keyring = deps.keyring;
    this.#connectors = deps.connectors;
    this.#bus = deps.bus;
    this.#engine = deps.engine;
    this.#countHit = deps.metrics?.tokenCacheCounts.downstream.hit ?? (() => undefined);
    this.#countMiss = deps.metrics?.tokenCacheCounts.downstream.miss ?? (() => undefined);
    const now = deps.now;
    this.#now = now ?? (() => new Date());
    this.#nowMs = now === undefined ? Date.now : () => now().getTime();
    this.cache = new TokenCache(deps.cacheSize);
    deps.bus.subscribe((change) => {
      this.cache.apply(change);
    });
  }

  cached(owner: ConnectionOwner, serviceId: string): DownstreamToken | undefined {
    if (!this.#bus.trusted) return undefined;
    const connector = this.#connectors.get(serviceId);
    if (connector === undefined) return undefined;
    const key = TokenCache.key(owner.tenantId, owner.userId, serviceId);
    const hit = this.cache.get(key, this.#nowMs(), connector.service.refresh.earlySeconds * 1000);
    // A miss is counted by the `acquire` that follows it, not twice.
    if (hit !== undefined) this.#countHit();
    return hit;
  }

  async acquire(
    owner: ConnectionOwner,
    serviceId: string,
    options: AcquireOptions = {},
  ): Promise<DownstreamToken> {
    const connector = this.#connectors.get(serviceId);
    if (connector === undefined) throw new AppError('unknown_service', `no service "${serviceId}"`);
    const earlyMs = connector.service.refresh.earlySeconds * 1000;
    const key = TokenCache.key(owner.tenantId, owner.userId, serviceId);
    // While the change channel is down a revocation elsewhere could go unheard: read the store.
    const useCache = this.#bus.trusted;
    if (useCache && options.rejected === undefined) {
      const hit = this.cache.get(key, this.#nowMs(), earlyMs);
      if (hit === undefined) this.#countMiss();
      else this.#countHit();
      if (hit !== undefined) return hit;
    }
    const epoch = this.cache.epoch;

    const row = await findConnectionForService(this.#db, owner.tenantId, owner.userId, serviceId);
    if (row === undefined) throw new AppError('not_found', `no connection to "${serviceId}"`);
    if (row.status === 'needs_consent' || row.status === 'revoked') {
      throw new AppError(
        'connection_needs_consent',
        'this connection needs a new consent: connect the service again',
      );
    }
    const needed = (r: ConnectionRow, now: Date) => this.#needsRefresh(r, now, earlyMs, options.rejected);
    const now = this.#now();
    let current = row;
    // Without a refresh token there is nothing to refresh with: serve what is left of it.
    const unrefreshable =
      row.refreshTokenEnc === null && options.rejected === undefined && this.#stillValid(row, now);
    if (!unrefreshable && needed(row, now)) {
      const outcome = await this.#engine.refresh(owner.tenantId, row.id, {
        trigger: 'on_demand',
        actor: options.actor ?? systemActor,
        needed,
      });
      current = outcome.row;
      if (outcome.kind === 'cooling') {
        // SPEC §4.4: a transient failure leaves the connection usable until it expires; after
        // that, or when the upstream just refused the token, the caller waits out the cool-down.
        if (options.rejected !== undefined || !this.#stillValid(current, this.#now())) {
          throw coolingError(outcome.until, this.#now());
        }
      }
    }
    const token = this.#token(current);
    if (useCache && this.#stillValid(current, this.#now(), earlyMs)) {
      this.cache.set(key, owner, token, epoch);
    }
    return token;
  }

  #needsRefresh(row: ConnectionRow, now: Date, earlyMs: number, rejected: string | undefined): boolean {
    if (row.accessTokenEnc === null) return true;
    if (rejected !== undefined) {
      // Refresh unless someone already replaced the token the upstream refused.
      return openToken(this.#keyring, row.id, 'access_token', row.accessTokenEnc) === rejected;
    }
    return !this.#stillValid(row, now, earlyMs);
  }

  #stillValid(row: ConnectionRow, now: Date, marginMs = 0): boolean {
    if (row.accessTokenEnc === null) return false;
    return row.expiresAt === null || row.expiresAt.getTime() - now.getTime() > marginMs;
  }

  #token(row: ConnectionRow): DownstreamToken {
    if (row.accessTokenEnc === null) {
      throw new AppError(
        'connection_needs_consent',
        'this connection holds no token: connect the service again',
      );
    }
    return {
      connectionId: row.id,
      serviceId: row.serviceId,
      accessToken: openToken(this.#keyring, row.id, 'access_token', row.accessTokenEnc),
      tokenType: row.tokenType,
      expiresAt: row.expiresAt ?? undefined,
      scopes: row.scopes,
    };
  }
}
