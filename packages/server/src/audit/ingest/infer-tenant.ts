import { sql } from 'drizzle-orm';
import type { TenantRule } from '../../config/audit-schema.js';
import type { Executor } from '../../store/db.js';
import { rawRows } from '../../store/raw-rows.js';
import type { MappedEvent } from './map-event.js';

/**
 * Infers an ingested event's tenant by the source's rules, in order; the first rule that names
 * exactly one tenant wins, none → a platform event. Lookups are memoised for one batch.
 */
export class TenantInference {
  readonly #db: Executor;
  readonly #memo = new Map<string, string | null>();

  constructor(db: Executor) {
    this.#db = db;
  }

  async infer(rules: readonly TenantRule[], event: MappedEvent): Promise<string | null> {
    for (const rule of rules) {
      const found = await this.#apply(rule, event);
      if (found !== null) return found;
    }
    return null;
  }

  async #apply(rule: TenantRule, event: MappedEvent): Promise<string | null> {
    if ('fixed' in rule)
      return this.#lookup(`slug:${rule.fixed}`, sql`select id from tenants where slug = ${rule.fixed}`);
    if ('byField' in rule) {
      const v = event.tenantField;
      if (v === null) return null;
      return this.#lookup(`field:${v}`, sql`select id from tenants where slug = ${v} or id = ${v}`);
    }
    const email = event.actor.email?.toLowerCase() ?? null;
    if (email === null) return null;
    if ('byUserEmail' in rule) {
      return this.#lookup(
        `email:${email}`,
        sql`select distinct m.tenant_id as id from users u join memberships m on m.user_id = u.id
            where lower(u.email) = ${email}`,
      );
    }
    const domain = email.includes('@') ? email.slice(email.lastIndexOf('@') + 1) : null;
    if (domain === null || domain === '') return null;
    return this.#lookup(`domain:${domain}`, sql`select id from tenants where ${domain} = any(domains)`);
  }

  /** The single tenant a query names; none or several → no answer from this rule. */
  async #lookup(key: string, query: ReturnType<typeof sql>): Promise<string | null> {
    const cached = this.#memo.get(key);
    if (cached !== undefined) return cached;
    const rows = await rawRows<{ id: string }>(this.#db, query);
    const id = rows.length === 1 ? (rows[0]?.id ?? null) : null;
    this.#memo.set(key, id);
    return id;
  }
}
