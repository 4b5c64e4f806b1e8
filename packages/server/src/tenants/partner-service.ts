import { recordAudit, type AuditActor } from '../audit/record.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import type { Db } from '../store/db.js';
import { insertPartner, lockPartnerBySlug, updatePartner, type PartnerRow } from '../store/partners.js';
import { checkPartnerTransition } from './status.js';

export interface PartnerFields {
  name: string;
  domain: string | null;
  marginPct: number;
  contact: Record<string, unknown>;
  billing: Record<string, unknown>;
}

/** Partners (SPEC §7): create, patch, terminate (soft: tenants stay attached and visible). */
export class PartnerService {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async create(actor: AuditActor, input: PartnerFields & { slug: string }): Promise<PartnerRow> {
    return this.#db.transaction(async (tx) => {
      const id = newId('prt');
      const row = await insertPartner(tx, { id, ...input, marginPct: input.marginPct.toFixed(2) });
      if (row === undefined)
        throw new AppError('partner_slug_taken', `a partner with slug ${input.slug} exists`);
      await recordAudit(tx, {
        action: 'partner.created',
        actor,
        target: { type: 'partner', id, label: input.slug },
        metadata: { name: input.name, domain: input.domain, marginPct: input.marginPct },
      });
      return row;
    });
  }

  async update(actor: AuditActor, slug: string, patch: Partial<PartnerFields>): Promise<PartnerRow> {
    return this.#db.transaction(async (tx) => {
      const row = await lockPartnerBySlug(tx, slug);
      if (row === undefined) throw new AppError('not_found', 'no such partner');
      const { marginPct, ...rest } = patch;
      const set = { ...rest, ...(marginPct === undefined ? {} : { marginPct: marginPct.toFixed(2) }) };
      const changed = Object.keys(set).filter(
        (k) => JSON.stringify(set[k as keyof typeof set]) !== JSON.stringify(row[k as keyof PartnerRow]),
      );
      changed.sort();
      if (changed.length === 0) return row;
      const next = await updatePartner(tx, row.id, set);
      // Contact and billing may hold personal data: the event names what changed, not the values.
      await recordAudit(tx, {
        action: 'partner.updated',
        actor,
        target: { type: 'partner', id: row.id, label: row.slug },
        metadata: { changed },
      });
      return next;
    });
  }

  async terminate(actor: AuditActor, slug: string): Promise<PartnerRow> {
    return this.#db.transaction(async (tx) => {
      const row = await lockPartnerBySlug(tx, slug);
      if (row === undefined) throw new AppError('not_found', 'no such partner');
      checkPartnerTransition(row.status, 'terminated');
      const next = await updatePartner(tx, row.id, { status: 'terminated', terminatedAt: new Date() });
      await recordAudit(tx, {
        action: 'partner.terminated',
        actor,
        target: { type: 'partner', id: row.id, label: row.slug },
        metadata: {},
      });
      return next;
    });
  }
}
