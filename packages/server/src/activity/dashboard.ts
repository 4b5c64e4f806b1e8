import type { Executor } from '../store/db.js';
import {
  activityCounts,
  proxyUsageByHour,
  refreshOutcomesByHour,
  type ActivityCounts,
  type ActivityScope,
  type RefreshHour,
  type UsageHour,
} from '../store/activity.js';

export const activityWindows = ['24h', '7d'] as const;
export type ActivityWindow = (typeof activityWindows)[number];

const HOUR_MS = 3_600_000;
/** What "expiring soon" means on the Dashboard and in the token list. */
export const EXPIRING_SOON_MS = 7 * 24 * HOUR_MS;

export interface DashboardSummary {
  window: ActivityWindow;
  /** Start of the first hour shown (UTC hours: the console groups them by the user's days). */
  from: Date;
  counts: ActivityCounts & { refreshFailures: number };
  proxy: {
    calls: number;
    failed: number;
    /** Busiest first. */
    services: { serviceId: string; calls: number; failed: number }[];
    hours: UsageHour[];
  };
  refreshes: { succeeded: number; failed: number; hours: RefreshHour[] };
}

/** First hour of a window ending with the current hour: 24 hours or 7 × 24. */
export function windowStart(window: ActivityWindow, now: Date): Date {
  const hours = window === '24h' ? 24 : 7 * 24;
  const thisHour = now.getTime() - (now.getTime() % HOUR_MS);
  return new Date(thisHour - (hours - 1) * HOUR_MS);
}

/**
 * The Dashboard of SPEC §9 for one user or a whole tenant: the figures now, and proxied calls per
 * service and refresh outcomes over the window. Calls are those already flushed by the usage
 * counters (at most a few seconds behind).
 */
export async function dashboardSummary(
  db: Executor,
  scope: ActivityScope,
  window: ActivityWindow,
  now: Date,
): Promise<DashboardSummary> {
  const from = windowStart(window, now);
  const [counts, usage, refreshes] = await Promise.all([
    activityCounts(db, scope, now, new Date(now.getTime() + EXPIRING_SOON_MS)),
    proxyUsageByHour(db, scope, from),
    refreshOutcomesByHour(db, scope, from),
  ]);
  const perService = new Map<string, { serviceId: string; calls: number; failed: number }>();
  for (const u of usage) {
    const s = perService.get(u.serviceId) ?? { serviceId: u.serviceId, calls: 0, failed: 0 };
    s.calls += u.calls;
    s.failed += u.failed;
    perService.set(u.serviceId, s);
  }
  const services = [...perService.values()].sort(
    (a, b) => b.calls - a.calls || a.serviceId.localeCompare(b.serviceId),
  );
  const refreshed = refreshes.reduce((n, r) => n + r.succeeded, 0);
  const refreshFailures = refreshes.reduce((n, r) => n + r.failed, 0);
  return {
    window,
    from,
    counts: { ...counts, refreshFailures },
    proxy: {
      calls: services.reduce((n, s) => n + s.calls, 0),
      failed: services.reduce((n, s) => n + s.failed, 0),
      services,
      hours: usage,
    },
    refreshes: { succeeded: refreshed, failed: refreshFailures, hours: refreshes },
  };
}
