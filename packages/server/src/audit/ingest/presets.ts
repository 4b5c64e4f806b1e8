import type { AuditSourceConfig, SourceMapping } from '../../config/audit-schema.js';

/** Default field paths per kind of source; a source's own `mapping` overrides them field by field. */
const generic: SourceMapping = {
  id: 'id',
  time: 'time',
  type: 'type',
  actorId: 'actor.id',
  actorLabel: 'actor.label',
  actorEmail: 'actor.email',
  actorIp: 'actor.ip',
  targetType: 'target.type',
  targetId: 'target.id',
  targetLabel: 'target.label',
  outcome: 'outcome',
  tenant: 'tenant',
};

/** Stalwart webhooks: `{"events":[{"id","createdAt","type","data":{…}}]}`. */
const stalwart: SourceMapping = {
  id: 'id',
  time: 'createdAt',
  type: 'type',
  actorLabel: 'data.accountName',
  actorEmail: 'data.accountName',
  actorIp: 'data.remoteIp',
};

/** oCIS audit log lines (`Action`, `Time`, `User`, `RemoteAddr`…). */
const ocis: SourceMapping = {
  time: 'Time',
  type: 'Action',
  actorId: 'User',
  actorLabel: 'User',
  actorIp: 'RemoteAddr',
  targetId: 'Path',
  targetLabel: 'Path',
};

/** authentik `/api/v3/events/events/`. */
const authentik: SourceMapping = {
  id: 'pk',
  time: 'created',
  type: 'action',
  actorId: 'user.pk',
  actorLabel: 'user.username',
  actorEmail: 'user.email',
  actorIp: 'client_ip',
  targetLabel: 'app',
};

/** Keycloak `/admin/realms/{realm}/events`: no id (a content hash stands in), `error` on failures. */
const keycloak: SourceMapping = {
  time: 'time',
  type: 'type',
  actorId: 'userId',
  actorIp: 'ipAddress',
  actorEmail: 'details.email',
  targetType: 'clientId',
  targetId: 'clientId',
  outcome: 'error',
};

export function mappingFor(source: AuditSourceConfig): SourceMapping {
  const base =
    source.type === 'poll'
      ? source.style === 'authentik'
        ? authentik
        : keycloak
      : source.type === 'file'
        ? ocis
        : source.signature.preset === 'stalwart'
          ? stalwart
          : generic;
  return { ...base, ...source.mapping };
}

/** Where the events are in a webhook body: the configured path, Stalwart's `events`, or the body. */
export function eventsPathFor(source: AuditSourceConfig): string | undefined {
  if (source.type !== 'webhook') return undefined;
  return source.eventsPath ?? (source.signature.preset === 'stalwart' ? 'events' : undefined);
}
