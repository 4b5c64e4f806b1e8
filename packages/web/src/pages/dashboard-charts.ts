import type { Dashboard } from '../api/types.js';

export type ActivityWindow = Dashboard['window'];

const HOUR_MS = 3_600_000;

/** One bar of a chart: a time slot and its values by series key. */
export interface Slot {
  start: number;
  label: string;
  values: Record<string, number>;
}

/**
 * The bars of a window: the 24 hours of `24h`, or the user's local days of `7d` (the API counts
 * per UTC hour, so the grouping into days happens here, in the browser's time zone).
 */
export function windowSlots(
  window: ActivityWindow,
  fromIso: string,
  now: number,
  label: (d: Date) => string,
): Slot[] {
  const from = Date.parse(fromIso);
  const starts: number[] = [];
  if (window === '24h') {
    for (let at = from; at <= now; at += HOUR_MS) starts.push(at);
  } else {
    const day = new Date(from);
    day.setHours(0, 0, 0, 0);
    while (day.getTime() <= now) {
      starts.push(day.getTime());
      day.setDate(day.getDate() + 1);
    }
  }
  return starts.map((start) => ({ start, label: label(new Date(start)), values: {} }));
}

/** Adds `amount` to `key` in the slot holding `at` (nothing when `at` is outside the window). */
export function addToSlot(slots: Slot[], at: string, key: string, amount: number): void {
  const t = Date.parse(at);
  const slot = slots.findLast((s) => s.start <= t);
  if (slot === undefined) return;
  slot.values[key] = (slot.values[key] ?? 0) + amount;
}

/** Recharts rows: the slot label plus one numeric field per series (0 where nothing happened). */
export function chartRows(
  slots: readonly Slot[],
  keys: readonly string[],
): Record<string, string | number>[] {
  return slots.map((s) => {
    const row: Record<string, string | number> = { slot: s.label };
    for (const k of keys) row[k] = s.values[k] ?? 0;
    return row;
  });
}

/** Proxied calls per slot and service. Series keys are prefixed: a service id is any slug. */
export function proxySlots(d: Dashboard, slots: Slot[]): Slot[] {
  for (const h of d.proxy.hours) addToSlot(slots, h.hour, `svc_${h.service}`, h.calls);
  return slots;
}

/** Refresh attempts per slot, succeeded and failed. */
export function refreshSlots(d: Dashboard, slots: Slot[]): Slot[] {
  for (const h of d.refreshes.hours) {
    addToSlot(slots, h.hour, 'succeeded', h.succeeded);
    addToSlot(slots, h.hour, 'failed', h.failed);
  }
  return slots;
}
