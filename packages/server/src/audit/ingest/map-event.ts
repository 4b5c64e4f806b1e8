import { createHash } from 'node:crypto';
import type { AuditSourceConfig, SourceMapping } from '../../config/audit-schema.js';
import { mappingFor } from './presets.js';

/** A foreign event mapped onto Latchkey's event shape, before tenant inference. */
export interface MappedEvent {
  source: string;
  externalId: string;
  occurredAt: Date;
  action: string;
  actor: { id: string | null; label: string | null; email: string | null; ip: string | null };
  target: { type: string | null; id: string | null; label: string | null };
  outcome: 'success' | 'failure' | 'denied';
  tenantField: string | null;
  raw: Record<string, unknown>;
}

/** The value at a dotted path (`user.email`), or undefined. */
export function pick(value: unknown, path: string | undefined): unknown {
  if (path === undefined) return undefined;
  let cur: unknown = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function text(value: unknown, max = 500): string | null {
  if (typeof value === 'string') return value === '' ? null : value.slice(0, max);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function time(value: unknown): Date | null {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value);
  if (typeof value === 'string' && value !== '') {
    const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (Number.isFinite(ms)) return new Date(ms);
  }
  return null;
}

function outcome(value: unknown): MappedEvent['outcome'] {
  if (value === undefined || value === null || value === '' || value === true) return 'success';
  if (value === 'success' || value === 'failure' || value === 'denied') return value;
  if (value === 'ok') return 'success';
  // Anything else the outcome field carries (Keycloak's `error`, `false`) means it did not succeed.
  return 'failure';
}

/** True when `type` passes the source's allowlist (exact names, or prefixes ending in `*`). */
export function allowed(allow: readonly string[] | undefined, type: string): boolean {
  if (allow === undefined) return true;
  return allow.some((p) => (p.endsWith('*') ? type.startsWith(p.slice(0, -1)) : type === p));
}

/** SHA-256 over the event's JSON with sorted keys: the external id of events that carry none. */
export function contentHash(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

export type MapResult = { ok: true; event: MappedEvent } | { ok: false; reason: 'not_object' | 'filtered' };

/**
 * Maps one foreign event: fields by the source's paths, type through the allowlist and the action
 * map, time defaulting to now, external id defaulting to `fallbackId` or a content hash.
 */
export function mapEvent(
  source: AuditSourceConfig,
  raw: unknown,
  options: { fallbackId?: string; now?: Date } = {},
): MapResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, reason: 'not_object' };
  const event = raw as Record<string, unknown>;
  const m: SourceMapping = mappingFor(source);
  const type = text(pick(event, m.type), 200) ?? 'unknown';
  if (!allowed(source.allow, type)) return { ok: false, reason: 'filtered' };
  const action = source.actions[type] ?? `${source.id}.${type}`;
  return {
    ok: true,
    event: {
      source: source.id,
      externalId: text(pick(event, m.id), 200) ?? options.fallbackId ?? contentHash(event),
      occurredAt: time(pick(event, m.time)) ?? options.now ?? new Date(),
      action,
      actor: {
        id: text(pick(event, m.actorId), 200),
        label: text(pick(event, m.actorLabel), 200),
        email: text(pick(event, m.actorEmail), 320),
        ip: text(pick(event, m.actorIp), 64),
      },
      target: {
        type: text(pick(event, m.targetType), 100),
        id: text(pick(event, m.targetId), 200),
        label: text(pick(event, m.targetLabel), 200),
      },
      outcome: outcome(pick(event, m.outcome)),
      tenantField: text(pick(event, m.tenant), 200),
      raw: event,
    },
  };
}
