import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { systemActor } from '../audit/record.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { AppError } from '../errors.js';
import type { Metrics } from '../http/metrics.js';
import {
  claimDueConnections,
  countDueConnections,
  releaseConnectionLease,
  type ClaimedConnection,
} from '../store/connections.js';
import type { Db } from '../store/db.js';
import { findTenantSettings, type TenantSettings } from '../store/tenants.js';
import { effectiveServiceSettings } from '../tenants/service-settings.js';
import type { RefreshEngine } from './engine.js';
import { runBounded } from './limiter.js';

/** When refresh is off for a tenant, its due connections are looked at again this much later. */
const DISABLED_RECHECK_MS = 10 * 60_000;

export interface BackgroundOptions {
  batchSize: number;
  leaseMs: number;
  /** Refreshes in flight on this replica, over all tenants and services. */
  concurrency: number;
}

export interface BackgroundLog {
  warn(obj: object, msg: string): void;
}

/**
 * SPEC §4.4 "background": claims due connections under a lease, refreshes them through the
 * engine with bounded concurrency per tenant and service, and lets the engine reschedule each
 * from the expiry the provider returned. A replica killed mid-batch leaves leases that expire;
 * whoever claims next takes over. Should two replicas hold the same row (an expired lease that
 * was still being worked), the engine's lock and its "still due?" check keep it to one refresh.
 */
export class BackgroundRefresher {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly #db: Db;
  readonly #engine: RefreshEngine;
  readonly #connectors: ConnectorRegistry;
  readonly #metrics: Pick<Metrics, 'refreshDue' | 'refreshLeaseTakeovers'> | undefined;
  readonly #options: BackgroundOptions;
  readonly #log: BackgroundLog;
  readonly #now: () => Date;

  constructor(deps: {
    db: Db;
    engine: RefreshEngine;
    connectors: ConnectorRegistry;
    metrics?: Pick<Metrics, 'refreshDue' | 'refreshLeaseTakeovers'> | undefined;
    options: BackgroundOptions;
    log: BackgroundLog;
    now?: () => Date;
  }) {
    this.#db = deps.db;
    this.#engine = deps.engine;
    this.#connectors = deps.connectors;
    this.#metrics = deps.metrics;
    this.#options = deps.options;
    this.#log = deps.log;
    this.#now = deps.now ?? (() => new Date());
  }

  /** One batch. Resolves `true` when the batch was full (more is probably waiting). */
  async runOnce(): Promise<boolean> {
    const now = this.#now();
    this.#metrics?.refreshDue.set(await countDueConnections(this.#db, now));
    const claimed = await claimDueConnections(this.#db, {
      owner: this.owner,
      now,
      leaseMs: this.#options.leaseMs,
      limit: this.#options.batchSize,
    });
    if (claimed.length === 0) return false;
    const takeovers = claimed.filter((c) => c.takenOver).length;
    if (takeovers > 0) this.#metrics?.refreshLeaseTakeovers.inc(takeovers);

    const tenantSettings = new Map<string, TenantSettings>();
    for (const tenantId of new Set(claimed.map((c) => c.tenantId))) {
      tenantSettings.set(tenantId, await findTenantSettings(this.#db, tenantId));
    }
    const settingsOf = (c: ClaimedConnection) => {
      const service = this.#connectors.get(c.serviceId)?.service;
      if (service === undefined) return undefined;
      return effectiveServiceSettings(
        service.refresh,
        tenantSettings.get(c.tenantId)?.services?.[c.serviceId],
      );
    };

    await runBounded(
      claimed,
      (c) => `${c.tenantId}\u0000${c.serviceId}`,
      (c) => settingsOf(c)?.maxConcurrency ?? 1,
      this.#options.concurrency,
      (c) => this.#one(c, settingsOf(c)),
    );
    return claimed.length === this.#options.batchSize;
  }

  async #one(
    c: ClaimedConnection,
    settings: ReturnType<typeof effectiveServiceSettings> | undefined,
  ): Promise<void> {
    try {
      if (settings === undefined) {
        // The service left the catalogue: nothing can refresh it until it comes back.
        await releaseConnectionLease(this.#db, c.tenantId, c.id, this.owner, null);
        return;
      }
      if (!settings.refreshEnabled) {
        const later = new Date(this.#now().getTime() + DISABLED_RECHECK_MS);
        await releaseConnectionLease(this.#db, c.tenantId, c.id, this.owner, later);
        return;
      }
      const outcome = await this.#engine.refresh(c.tenantId, c.id, {
        trigger: 'background',
        actor: systemActor,
        needed: (row, now) => row.nextRefreshAt !== null && row.nextRefreshAt.getTime() <= now.getTime(),
      });
      // A refresh clears the lease in its own commit; otherwise give it back.
      if (outcome.kind !== 'refreshed') await releaseConnectionLease(this.#db, c.tenantId, c.id, this.owner);
    } catch (err) {
      // Permanent failures are recorded (needs_consent, audit) by the engine; a vanished row is fine.
      if (err instanceof AppError && (err.code === 'connection_needs_consent' || err.code === 'not_found'))
        return;
      this.#log.warn({ err, connection: c.id }, 'background refresh failed');
      await releaseConnectionLease(this.#db, c.tenantId, c.id, this.owner).catch(() => undefined);
    }
  }
}
