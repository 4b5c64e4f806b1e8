import { AppError } from '../errors.js';

export type TenantStatus = 'pending' | 'active' | 'suspended' | 'deleted';
export type PartnerStatus = 'active' | 'terminated';

/**
 * SPEC §7: `pending → active ⇄ suspended`, any → `deleted` (soft, final). `pending → active` is
 * taken by provisioning when every step is ok or skipped, not by an operator.
 */
const tenantTransitions: Readonly<Record<TenantStatus, readonly TenantStatus[]>> = {
  pending: ['active', 'deleted'],
  active: ['suspended', 'deleted'],
  suspended: ['active', 'deleted'],
  deleted: [],
};

/** Terminating a partner is soft and final; its tenants stay attached. */
const partnerTransitions: Readonly<Record<PartnerStatus, readonly PartnerStatus[]>> = {
  active: ['terminated'],
  terminated: [],
};

export function allowedTenantTransitions(from: TenantStatus): readonly TenantStatus[] {
  return tenantTransitions[from];
}

/** Throws 409 `illegal_transition`, naming the transitions that are allowed from `from`. */
export function checkTenantTransition(from: TenantStatus, to: TenantStatus): void {
  check('tenant', from, to, tenantTransitions[from]);
}

export function checkPartnerTransition(from: PartnerStatus, to: PartnerStatus): void {
  check('partner', from, to, partnerTransitions[from]);
}

function check(what: string, from: string, to: string, allowed: readonly string[]): void {
  if (allowed.includes(to)) return;
  const options = allowed.length === 0 ? 'none' : allowed.join(', ');
  throw new AppError('illegal_transition', `a ${from} ${what} cannot become ${to} (allowed: ${options})`, {
    extra: { from, to, allowed: [...allowed] },
  });
}
