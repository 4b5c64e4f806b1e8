import { sql } from 'drizzle-orm';
import type { AuditActor } from '../audit/record.js';
import { recordAudit } from '../audit/record.js';
import type { ConnectorTokens } from '../connectors/connector.js';
import { ConnectorError } from '../connectors/connector.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { openRegistration, openToken, sealToken } from '../connections/secrets.js';
import type { Keyring } from '../crypto/keyring.js';
import { AppError } from '../errors.js';
import type { Metrics } from '../http/metrics.js';
import { publishChange, type ChangeBus } from '../notify/change-bus.js';
import {
  findClientRegistration,
  findTenantConnection,
  updateConnectionIfVersion,
  type ConnectionRow,
} from '../store/connections.js';
import type { Executor, Store } from '../store/db.js';
import { findTenantSettings } from '../store/tenants.js';
import { effectiveServiceSettings } from '../tenants/service-settings.js';
import { backoffMs, retryAfterOf } from './backoff.js';

export type RefreshTrigger = 'on_demand' | 'background' | 'manual';

export interface RefreshRequest {
  trigger: RefreshTrigger;
  actor: AuditActor;
  /**
   * Whether the row, as read under the lock, still needs a refresh. A waiter that finds another
   * replica already refreshed answers false here and uses the row instead of refreshing again.
   */
  needed: (row: ConnectionRow, now: Date) => boolean;
}

/**
 * What a refresh attempt ended with: `refreshed` (new tokens committed), `current` (no longer
 * needed: someone else refreshed), `cooling` (a transient failure, now or earlier; nobody asks
 * the provider again before `until`). Permanent failures throw `connection_needs_consent`.
 */
export type RefreshOutcome =
  | { kind: 'refreshed'; row: ConnectionRow }
  | { kind: 'current'; row: ConnectionRow }
  /** `fresh`: the failure happened in this attempt (the provider was asked). */
  | { kind: 'cooling'; row: ConnectionRow; until: Date; fresh?: boolean };

type Attempt = RefreshOutcome | { kind: 'needs_consent'; changed: boolean } | { kind: 'gone' };

// The advisory lock space of refreshes: (class, hashtext(connection id)). Fixed, arbitrary.
const LOCK_CLASS = 731_104;

export interface RefreshEngineDeps {
  store: Store;
  keyring: Keyring;
  connectors: ConnectorRegistry;
  bus: ChangeBus;
  metrics?: Pick<Metrics, 'refreshes' | 'refreshDuration'> | undefined;
  now?: () => Date;
  random?: () => number;
}

/** The `provider_unavailable` answer during a cool-down: 503 with `Retry-After` (SPEC §4.4). */
export function coolingError(until: Date, now: Date): AppError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new AppError('provider_unavailable', 'the provider failed recently: try again later', {
    headers: { 'retry-after': String(seconds) },
  });
}

/**
 * Refreshes one connection so that it happens exactly once however many ask (SPEC §4.4):
 * in-process single-flight, then on PostgreSQL a transaction-scoped advisory lock per connection
 * held across the provider call, so a second replica waits and re-reads instead of spending the
 * refresh token again (a reused rotated refresh token makes the provider revoke the whole grant,
 * RFC 9700 §4.14.2). PGlite is one process with one connection: single-flight suffices there.
 *
 * The new tokens, the audit event and the change notice commit together with a compare-and-swap
 * on the row's version; a process killed before the commit leaves the previous tokens in place.
 */
export class RefreshEngine {
  readonly #store: Store;
  readonly #keyring: Keyring;
  readonly #connectors: ConnectorRegistry;
  readonly #bus: ChangeBus;
  readonly #metrics: RefreshEngineDeps['metrics'];
  readonly #now: () => Date;
  readonly #random: () => number;
  readonly #inFlight = new Map<string, Promise<RefreshOutcome>>();

  constructor(deps: RefreshEngineDeps) {
    this.#store = deps.store;
    this.#keyring = deps.keyring;
    this.#connectors = deps.connectors;
    this.#bus = deps.bus;
    this.#metrics = deps.metrics;
    this.#now = deps.now ?? (() => new Date());
    this.#random = deps.random ?? Math.random;
  }

  async refresh(tenantId: string, connectionId: string, request: RefreshRequest): Promise<RefreshOutcome> {
    // Waiters woken together must not all start their own attempt: each looks again, and only
    // the first to find nothing in flight starts one (synchronously, so the next one sees it).
    for (;;) {
      const running = this.#inFlight.get(connectionId);
      if (running === undefined) break;
      const shared = await running;
      // A refresh that ran for someone else with another question: ask ours on the new row.
      if (shared.kind !== 'current') return shared;
    }
    const attempt = this.#run(tenantId, connectionId, request).finally(() => {
      if (this.#inFlight.get(connectionId) === attempt) this.#inFlight.delete(connectionId);
    });
    this.#inFlight.set(connectionId, attempt);
    return attempt;
  }

  async #run(tenantId: string, connectionId: string, request: RefreshRequest): Promise<RefreshOutcome> {
    const started = performance.now();
    const attempt =
      this.#store.kind === 'postgres'
        ? await this.#store.db.transaction(async (tx) => {
            await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${connectionId}))`);
            return this.#attempt(tx, tenantId, connectionId, request);
          })
        : await this.#attempt(this.#store.db, tenantId, connectionId, request);
    if (attempt.kind === 'gone') throw new AppError('not_found', 'no such connection');
    const changed = attempt.kind === 'refreshed' || (attempt.kind === 'needs_consent' && attempt.changed);
    // The NOTIFY reaches other replicas after commit; this one forgets at once.
    if (changed) this.#bus.announceLocally({ kind: 'connection', id: connectionId });
    if (attempt.kind === 'needs_consent') {
      throw new AppError(
        'connection_needs_consent',
        'the provider refused the refresh: connect the service again',
      );
    }
    if (attempt.kind === 'refreshed' || (attempt.kind === 'cooling' && attempt.fresh)) {
      this.#metrics?.refreshDuration.observe(
        { service: attempt.row.serviceId },
        (performance.now() - started) / 1000,
      );
    }
    return attempt;
  }

  /** Reads the row (under the lock on PostgreSQL), decides, asks the provider, records. */
  async #attempt(ex: Executor, tenantId: string, id: string, request: RefreshRequest): Promise<Attempt> {
    const row = await findTenantConnection(ex, tenantId, id);
    if (row === undefined) return { kind: 'gone' };
    const now = this.#now();
    if (row.status === 'needs_consent' || row.status === 'revoked')
      return { kind: 'needs_consent', changed: false };
    if (!request.needed(row, now)) return { kind: 'current', row };
    if (row.cooldownUntil !== null && row.cooldownUntil.getTime() > now.getTime()) {
      return { kind: 'cooling', row, until: row.cooldownUntil };
    }
    const connector = this.#connectors.get(row.serviceId);
    if (connector === undefined)
      throw new AppError('unknown_service', `service "${row.serviceId}" left the catalogue`);
    if (row.refreshTokenEnc === null) return { kind: 'needs_consent', changed: false };
    // On PostgreSQL `ex` is already the transaction holding the lock: write in it (a savepoint
    // would only add round trips). On PGlite writes get a transaction of their own.
    const write = <T>(fn: (tx: Executor) => Promise<T>): Promise<T> =>
      this.#store.kind === 'postgres' ? fn(ex) : ex.transaction(fn);
    const count = (outcome: string) => {
      this.#metrics?.refreshes.inc({ service: row.serviceId, trigger: request.trigger, outcome });
    };
    const target = { type: 'connection', id: row.id, label: connector.service.name };

    let tokens: ConnectorTokens;
    try {
      const registration =
        row.registrationId === null
          ? undefined
          : await findClientRegistration(ex, tenantId, row.userId, row.registrationId);
      tokens = await connector.refresh({
        refreshToken: openToken(this.#keyring, row.id, 'refresh_token', row.refreshTokenEnc),
        registration:
          registration === undefined
            ? undefined
            : openRegistration(this.#keyring, registration.id, registration.registrationEnc),
        metadata: row.metadata,
      });
    } catch (err) {
      if (!(err instanceof ConnectorError)) throw err;
      const failedAt = this.#now();
      const until = err.retryable
        ? new Date(
            failedAt.getTime() + backoffMs(row.failureCount + 1, retryAfterOf(err, failedAt), this.#random),
          )
        : null;
      const next = await write(async (tx) => {
        const updated = await updateConnectionIfVersion(tx, tenantId, row.id, row.version, {
          // SPEC §4.4: transient → the connection stays usable until it expires and is retried
          // after the cool-down; permanent → the user must consent again.
          ...(until === null
            ? { status: 'needs_consent', nextRefreshAt: null, cooldownUntil: null }
            : { cooldownUntil: until, nextRefreshAt: row.nextRefreshAt === null ? null : until }),
          failureCount: row.failureCount + 1,
          lastError: err.failure,
          leaseOwner: null,
          leaseExpiresAt: null,
        });
        await recordAudit(tx, {
          action: 'connection.refresh_failed',
          tenantId,
          actor: request.actor,
          target,
          outcome: 'failure',
          metadata: {
            failure: err.failure,
            retryable: err.retryable,
            providerCode: err.providerCode ?? null,
            trigger: request.trigger,
            ...(until !== null && { retryAt: until.toISOString() }),
          },
        });
        if (until === null && updated !== undefined)
          await publishChange(tx, { kind: 'connection', id: row.id });
        return updated;
      });
      count(err.retryable ? 'transient_failure' : 'permanent_failure');
      if (until === null) return { kind: 'needs_consent', changed: next !== undefined };
      return { kind: 'cooling', row: next ?? row, until, fresh: true };
    }

    const settings = effectiveServiceSettings(
      connector.service.refresh,
      (await findTenantSettings(ex, tenantId)).services?.[row.serviceId],
    );
    const refreshedAt = this.#now();
    const written = await write(async (tx) => {
      const hasRefresh = tokens.refreshToken !== undefined || row.refreshTokenEnc !== null;
      const updated = await updateConnectionIfVersion(tx, tenantId, row.id, row.version, {
        status: 'active',
        accessTokenEnc: sealToken(this.#keyring, row.id, 'access_token', tokens.accessToken),
        // RFC 6749 §6: a new refresh token replaces the old one, which is never used again.
        ...(tokens.refreshToken !== undefined && {
          refreshTokenEnc: sealToken(this.#keyring, row.id, 'refresh_token', tokens.refreshToken),
        }),
        tokenType: tokens.tokenType,
        scopes: [...tokens.scopes],
        expiresAt: tokens.expiresAt ?? null,
        // Rescheduled from the expiry the provider actually returned.
        nextRefreshAt:
          settings.refreshEnabled && hasRefresh && tokens.expiresAt !== undefined
            ? new Date(tokens.expiresAt.getTime() - settings.beforeExpirySeconds * 1000)
            : null,
        failureCount: 0,
        lastError: null,
        cooldownUntil: null,
        leaseOwner: null,
        leaseExpiresAt: null,
        lastRefreshedAt: refreshedAt,
      });
      if (updated === undefined) return undefined;
      await recordAudit(tx, {
        action: 'connection.refreshed',
        tenantId,
        actor: request.actor,
        target,
        metadata: {
          rotated: tokens.refreshToken !== undefined,
          expiresAt: tokens.expiresAt?.toISOString() ?? null,
          trigger: request.trigger,
        },
      });
      await publishChange(tx, { kind: 'connection', id: row.id });
      return updated;
    });
    if (written === undefined) {
      // Another writer (a reconnect) committed first: theirs is the current state.
      count('superseded');
      const current = await findTenantConnection(ex, tenantId, id);
      return current === undefined ? { kind: 'gone' } : { kind: 'current', row: current };
    }
    count('success');
    return { kind: 'refreshed', row: written };
  }
}
