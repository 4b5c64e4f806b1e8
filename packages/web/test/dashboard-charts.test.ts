import { describe, expect, it } from 'vitest';
import type { Dashboard } from '../src/api/types.js';
import { chartRows, proxySlots, refreshSlots, windowSlots } from '../src/pages/dashboard-charts.js';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function dashboard(
  window: Dashboard['window'],
  from: number,
  hours: Partial<Dashboard['proxy']>['hours'],
): Dashboard {
  return {
    window,
    view: 'own',
    from: iso(from),
    counts: { activeConnections: 0, needsConsent: 0, activeTokens: 0, expiringSoon: 0, refreshFailures: 0 },
    proxy: { calls: 0, failed: 0, services: [], hours: hours ?? [] },
    refreshes: {
      succeeded: 3,
      failed: 1,
      hours: [
        { hour: iso(from), succeeded: 2, failed: 0 },
        { hour: iso(from + 5 * HOUR), succeeded: 1, failed: 1 },
      ],
    },
  };
}

/** The console groups the API's UTC hours into the bars of its charts. */
describe('dashboard chart slots', () => {
  const now = Date.UTC(2026, 11, 4, 15, 20);
  const from24 = Date.UTC(2026, 11, 3, 16);

  it('gives the 24 h window one bar per hour, calls stacked by service', () => {
    const d = dashboard('24h', from24, [
      { hour: iso(from24), service: 'mail', calls: 3, failed: 1 },
      { hour: iso(from24), service: 'drive', calls: 1, failed: 0 },
      { hour: iso(from24 + 23 * HOUR), service: 'mail', calls: 5, failed: 0 },
      // Before the window (a stale row): left out, not put in the first bar.
      { hour: iso(from24 - HOUR), service: 'mail', calls: 100, failed: 0 },
    ]);
    const slots = proxySlots(
      d,
      windowSlots('24h', d.from, now, (t) => String(t.getUTCHours())),
    );
    expect(slots).toHaveLength(24);
    const rows = chartRows(slots, ['svc_mail', 'svc_drive']);
    expect(rows[0]).toEqual({ slot: '16', svc_mail: 3, svc_drive: 1 });
    expect(rows[1]).toEqual({ slot: '17', svc_mail: 0, svc_drive: 0 });
    expect(rows[23]).toEqual({ slot: '15', svc_mail: 5, svc_drive: 0 });
    expect(rows.reduce((n, r) => n + Number(r.svc_mail), 0)).toBe(8);
  });

  it('gives the 7 d window one bar per local day and sums the hours into it', () => {
    const from = now - (now % HOUR) - (7 * 24 - 1) * HOUR;
    const d = dashboard('7d', from, [
      { hour: iso(from), service: 'chat', calls: 2, failed: 0 },
      { hour: iso(from + HOUR), service: 'chat', calls: 4, failed: 1 },
      { hour: iso(now - (now % HOUR)), service: 'chat', calls: 7, failed: 0 },
    ]);
    const slots = windowSlots('7d', d.from, now, (t) => t.toDateString());
    // A partial first day, six whole days, today: 8 local days at most, never fewer than 7.
    expect(slots.length).toBeGreaterThanOrEqual(7);
    expect(slots.length).toBeLessThanOrEqual(8);
    for (const s of slots) expect(new Date(s.start).getHours()).toBe(0);
    const rows = chartRows(proxySlots(d, slots), ['svc_chat']);
    expect(rows.reduce((n, r) => n + Number(r.svc_chat), 0)).toBe(13);
    expect(rows.at(-1)?.svc_chat).toBe(7);
  });

  it('stacks refresh outcomes, succeeded and failed apart', () => {
    const d = dashboard('24h', from24, []);
    const rows = chartRows(refreshSlots(d, windowSlots('24h', d.from, now, String)), ['succeeded', 'failed']);
    expect(rows[0]).toMatchObject({ succeeded: 2, failed: 0 });
    expect(rows[5]).toMatchObject({ succeeded: 1, failed: 1 });
    expect(rows.reduce((n, r) => n + Number(r.failed), 0)).toBe(1);
  });
});
