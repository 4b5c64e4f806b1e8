import { createHash } from 'node:crypto';

/** The `prev_hash` of a chain's first block. */
export const GENESIS_HASH = '0'.repeat(64);

/** An event as the chain sees it: every column, timestamps in microseconds, metadata as jsonb text. */
export interface HashableEvent {
  id: string;
  seq: string;
  tenant_id: string | null;
  source: string;
  external_id: string | null;
  occurred_us: string;
  received_us: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  actor_ip: string | null;
  actor_user_agent: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  outcome: string;
  /** PostgreSQL's text of the jsonb value: jsonb normalises key order and spacing, so it is canonical. */
  metadata: string;
}

/**
 * SHA-256 of the event's canonical serialisation: a JSON array of strings and nulls in a fixed
 * order, versioned. Every column is covered, so changing any of them (seq included, which is
 * what orders events in a block) changes the hash.
 */
export function eventHash(e: HashableEvent): Buffer {
  const canonical = JSON.stringify([
    'latchkey-audit-event-v1',
    e.id,
    e.seq,
    e.tenant_id,
    e.source,
    e.external_id,
    e.occurred_us,
    e.received_us,
    e.actor_type,
    e.actor_id,
    e.actor_label,
    e.actor_ip,
    e.actor_user_agent,
    e.action,
    e.target_type,
    e.target_id,
    e.target_label,
    e.outcome,
    e.metadata,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest();
}

/** `SHA-256(prevBlockHash ‖ eventHash₁ ‖ … ‖ eventHashₙ)` over raw bytes, as hex (SPEC §8). */
export function blockHash(prevHashHex: string, eventHashes: readonly Buffer[]): string {
  const h = createHash('sha256').update(Buffer.from(prevHashHex, 'hex'));
  for (const eh of eventHashes) h.update(eh);
  return h.digest('hex');
}

/** The chain an event belongs to: its tenant's, or `platform` for events without a tenant. */
export function chainIdOf(tenantId: string | null): string {
  return tenantId ?? PLATFORM_CHAIN;
}

export const PLATFORM_CHAIN = 'platform';
