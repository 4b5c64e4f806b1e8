import { recordAudit, systemActor, type AuditActor } from '../audit/record.js';
import type { AuditAction } from '../audit/actions.js';
import type { ServiceConfig } from '../config/service-schema.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { publishChange, type ChangeBus } from '../notify/change-bus.js';
import { initialRecord, planSteps, runSteps, stepsToRun, type PlannedStep } from '../provisioning/runner.js';
import { provisioningComplete, readProvisioning, type ProvisionedTenant } from '../provisioning/state.js';
import type { Db, Executor } from '../store/db.js';
import { lockPartnerById } from '../store/partners.js';
import { insertTenant, lockTenantById, lockTenantBySlug, updateTenant } from '../store/tenant-directory.js';
import type { TenantRow } from '../store/tenants.js';
import { allowedTenantTransitions, checkTenantTransition, type TenantStatus } from './status.js';

export interface NewTenant {
  slug: string;
  name: string;
  plan: string;
  domains: string[];
  partnerId: string | null;
}

export interface TenantPatch {
  name?: string | undefined;
  plan?: string | undefined;
  domains?: string[] | undefined;
  /** A partner id attaches, null detaches, absent leaves it. */
  partnerId?: string | null | undefined;
}

const transitionActions = {
  suspended: 'tenant.suspended',
  active: 'tenant.resumed',
  deleted: 'tenant.deleted',
} as const satisfies Partial<Record<TenantStatus, AuditAction>>;

/** What an operator may do next: `pending → active` belongs to provisioning, not to them. */
function operatorTransitions(from: TenantStatus): TenantStatus[] {
  return allowedTenantTransitions(from).filter((s) => !(from === 'pending' && s === 'active'));
}

function provisioned(row: TenantRow): ProvisionedTenant {
  return { id: row.id, slug: row.slug, name: row.name, plan: row.plan, domains: row.domains };
}

/**
 * The tenant lifecycle of the operator API (SPEC §7): create and provision, patch, status
 * changes, reconcile. Every change is audited in its transaction; status changes are announced
 * on the change bus so every replica's token cache forgets the tenant at once.
 */
export class TenantService {
  readonly #db: Db;
  readonly #bus: ChangeBus;
  readonly #steps: PlannedStep[];

  constructor(deps: { db: Db; bus: ChangeBus; services: readonly ServiceConfig[] }) {
    this.#db = deps.db;
    this.#bus = deps.bus;
    this.#steps = planSteps(deps.services);
  }

  /**
   * Creates the tenant `pending` with every step recorded, then runs the steps. Provisioning
   * talks to other systems, so it runs after the insert has committed and outside any
   * transaction; a replica dying half-way leaves `pending` steps that reconcile picks up.
   */
  async create(actor: AuditActor, input: NewTenant): Promise<TenantRow> {
    const row = await this.#db.transaction(async (tx) => {
      if (input.partnerId !== null) await this.#checkPartner(tx, input.partnerId);
      const id = newId('ten');
      const now = new Date();
      const steps = Object.fromEntries(
        this.#steps.map((p) => [p.key, initialRecord(p, { ...input, id }, now)]),
      );
      const inserted = await insertTenant(tx, {
        id,
        slug: input.slug,
        name: input.name,
        plan: input.plan,
        domains: input.domains,
        partnerId: input.partnerId,
        status: 'pending',
        provisioning: { steps },
      });
      if (inserted === undefined)
        throw new AppError('tenant_slug_taken', `a tenant with slug ${input.slug} exists`);
      await recordAudit(tx, {
        action: 'tenant.created',
        tenantId: id,
        actor,
        target: { type: 'tenant', id, label: input.slug },
        metadata: {
          plan: input.plan,
          domains: input.domains,
          partnerId: input.partnerId,
          steps: Object.keys(steps),
        },
      });
      return inserted;
    });
    return this.#provision(row.id, systemActor, 'tenant.provisioned');
  }

  async update(actor: AuditActor, slug: string, patch: TenantPatch): Promise<TenantRow> {
    return this.#db.transaction(async (tx) => {
      const row = await lockTenantBySlug(tx, slug);
      if (row === undefined) throw new AppError('not_found', 'no such tenant');
      if (row.status === 'deleted') {
        throw new AppError('illegal_transition', 'a deleted tenant cannot be changed', {
          extra: { from: 'deleted', allowed: [] },
        });
      }
      if (patch.partnerId !== undefined && patch.partnerId !== null && patch.partnerId !== row.partnerId) {
        await this.#checkPartner(tx, patch.partnerId);
      }
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const set: Parameters<typeof updateTenant>[2] = {};
      for (const key of ['name', 'plan', 'domains', 'partnerId'] as const) {
        const to = patch[key];
        if (to === undefined || JSON.stringify(to) === JSON.stringify(row[key])) continue;
        changes[key] = { from: row[key], to };
        Object.assign(set, { [key]: to });
      }
      if (Object.keys(changes).length === 0) return row;
      const next = await updateTenant(tx, row.id, set);
      await recordAudit(tx, {
        action: 'tenant.updated',
        tenantId: row.id,
        actor,
        target: { type: 'tenant', id: row.id, label: row.slug },
        metadata: { changes },
      });
      return next;
    });
  }

  /** Suspend (`suspended`), resume (`active`) or soft-delete (`deleted`); nothing is removed. */
  async transition(actor: AuditActor, slug: string, to: keyof typeof transitionActions): Promise<TenantRow> {
    const next = await this.#db.transaction(async (tx) => {
      const row = await lockTenantBySlug(tx, slug);
      if (row === undefined) throw new AppError('not_found', 'no such tenant');
      // Resume means suspended → active; a pending tenant becomes active through provisioning.
      if (to === 'active' && row.status !== 'suspended') {
        throw new AppError(
          'illegal_transition',
          `only a suspended tenant can be resumed (it is ${row.status})`,
          {
            extra: { from: row.status, to, allowed: operatorTransitions(row.status) },
          },
        );
      }
      checkTenantTransition(row.status, to);
      const updated = await updateTenant(tx, row.id, {
        status: to,
        ...(to === 'deleted' ? { deletedAt: new Date() } : {}),
      });
      await recordAudit(tx, {
        action: transitionActions[to],
        tenantId: row.id,
        actor,
        target: { type: 'tenant', id: row.id, label: row.slug },
        metadata: { from: row.status, to },
      });
      await publishChange(tx, { kind: 'tenant', id: row.id });
      return updated;
    });
    this.#bus.announceLocally({ kind: 'tenant', id: next.id });
    return next;
  }

  /** Re-runs failed, pending and newly declared steps; steps already ok are left alone. */
  async reconcile(actor: AuditActor, slug: string): Promise<TenantRow> {
    const row = await this.#db.transaction((tx) => lockTenantBySlug(tx, slug));
    if (row === undefined) throw new AppError('not_found', 'no such tenant');
    if (row.status === 'deleted') {
      throw new AppError('illegal_transition', 'a deleted tenant is not provisioned', {
        extra: { from: 'deleted', allowed: [] },
      });
    }
    return this.#provision(row.id, actor, 'tenant.reconciled');
  }

  /**
   * Runs the catalogue's steps for a tenant the start-up bootstrap has just created (it starts
   * `active`: the config asked for it, so it stays usable while a step fails).
   */
  async provisionBootstrapped(slug: string): Promise<void> {
    if (this.#steps.length === 0) return;
    const row = await this.#db.transaction((tx) => lockTenantBySlug(tx, slug));
    if (row !== undefined) await this.#provision(row.id, systemActor, 'tenant.provisioned');
  }

  async #checkPartner(tx: Executor, partnerId: string): Promise<void> {
    const partner = await lockPartnerById(tx, partnerId);
    if (partner === undefined) throw new AppError('unknown_partner', `no partner with id ${partnerId}`);
    if (partner.status === 'terminated') {
      throw new AppError('partner_terminated', `partner ${partner.slug} is terminated: no new tenants`);
    }
  }

  async #provision(
    tenantId: string,
    actor: AuditActor,
    action: 'tenant.provisioned' | 'tenant.reconciled',
  ): Promise<TenantRow> {
    const before = await this.#db.transaction((tx) => lockTenantById(tx, tenantId));
    if (before === undefined) throw new AppError('not_found', 'no such tenant');
    const todo = stepsToRun(this.#steps, readProvisioning(before.provisioning));
    const results = await runSteps(todo, provisioned(before), readProvisioning(before.provisioning));
    const { after, activated } = await this.#db.transaction(async (tx) => {
      // Re-read under lock: a concurrent reconcile or status change may have landed meanwhile.
      const row = await lockTenantById(tx, tenantId);
      if (row === undefined) throw new AppError('not_found', 'no such tenant');
      const current = readProvisioning(row.provisioning);
      const merged = { steps: { ...current.steps, ...results } };
      const complete = provisioningComplete(merged);
      const activated = complete && row.status === 'pending';
      const updated = await updateTenant(tx, row.id, {
        provisioning: merged,
        ...(activated ? { status: 'active' } : {}),
      });
      await recordAudit(tx, {
        action,
        tenantId: row.id,
        actor,
        target: { type: 'tenant', id: row.id, label: row.slug },
        outcome: Object.values(results).some((r) => r.state === 'error') ? 'failure' : 'success',
        metadata: {
          ran: Object.fromEntries(
            Object.entries(results).map(([k, r]) => [k, { state: r.state, error: r.error }]),
          ),
        },
      });
      if (activated) {
        checkTenantTransition('pending', 'active');
        await recordAudit(tx, {
          action: 'tenant.activated',
          tenantId: row.id,
          actor: systemActor,
          target: { type: 'tenant', id: row.id, label: row.slug },
          metadata: { reason: 'every provisioning step ok or skipped' },
        });
        await publishChange(tx, { kind: 'tenant', id: row.id });
      }
      return { after: updated, activated };
    });
    if (activated) this.#bus.announceLocally({ kind: 'tenant', id: after.id });
    return after;
  }
}
