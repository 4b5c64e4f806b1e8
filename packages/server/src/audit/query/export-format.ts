import type { AuditEventView } from './event-view.js';

export const csvColumns = [
  'id',
  'occurred_at',
  'received_at',
  'tenant_id',
  'source',
  'external_id',
  'actor_type',
  'actor_id',
  'actor_label',
  'actor_ip',
  'action',
  'target_type',
  'target_id',
  'target_label',
  'outcome',
  'metadata',
] as const;

/**
 * One CSV field (RFC 4180 quoting). A value starting with `=`, `+`, `-`, `@`, tab or CR is
 * prefixed with `'` so a spreadsheet never runs an ingested label as a formula.
 */
export function csvField(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(e: AuditEventView): string {
  const values = [
    e.id,
    e.occurredAt,
    e.receivedAt,
    e.tenantId,
    e.source,
    e.externalId,
    e.actor.type,
    e.actor.id,
    e.actor.label,
    e.actor.ip,
    e.action,
    e.target.type,
    e.target.id,
    e.target.label,
    e.outcome,
    JSON.stringify(e.metadata),
  ];
  return `${values.map(csvField).join(',')}\r\n`;
}

export const csvHeader = `${csvColumns.join(',')}\r\n`;
