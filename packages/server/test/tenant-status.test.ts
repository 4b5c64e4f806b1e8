import { describe, expect, it } from 'vitest';
import { AppError } from '../src/errors.js';
import {
  checkPartnerTransition,
  checkTenantTransition,
  type PartnerStatus,
  type TenantStatus,
} from '../src/tenants/status.js';

const statuses: TenantStatus[] = ['pending', 'active', 'suspended', 'deleted'];

/** SPEC §7, written out in full: `pending → active ⇄ suspended`, any → `deleted`, nothing after. */
const allowed: Record<TenantStatus, TenantStatus[]> = {
  pending: ['active', 'deleted'],
  active: ['suspended', 'deleted'],
  suspended: ['active', 'deleted'],
  deleted: [],
};

function outcome(fn: () => void): { ok: true } | { ok: false; error: AppError } {
  try {
    fn();
    return { ok: true };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { ok: false, error: err };
  }
}

describe('tenant status transitions (SPEC §7)', () => {
  for (const from of statuses) {
    for (const to of statuses) {
      const legal = allowed[from].includes(to);
      it(`${from} → ${to}: ${legal ? 'allowed' : '409 illegal_transition'}`, () => {
        const result = outcome(() => {
          checkTenantTransition(from, to);
        });
        if (legal) {
          expect(result.ok).toBe(true);
          return;
        }
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.error.code).toBe('illegal_transition');
        expect(result.error.status).toBe(409);
        expect(result.error.extra).toEqual({ from, to, allowed: allowed[from] });
        expect(result.error.message).toContain(
          allowed[from].length === 0 ? 'none' : allowed[from].join(', '),
        );
      });
    }
  }
});

describe('partner status transitions (SPEC §7: terminating is soft and final)', () => {
  const cases: [PartnerStatus, PartnerStatus, boolean][] = [
    ['active', 'terminated', true],
    ['terminated', 'terminated', false],
    ['terminated', 'active', false],
    ['active', 'active', false],
  ];
  for (const [from, to, legal] of cases) {
    it(`${from} → ${to}: ${legal ? 'allowed' : 'refused'}`, () => {
      expect(
        outcome(() => {
          checkPartnerTransition(from, to);
        }).ok,
      ).toBe(legal);
    });
  }
});
