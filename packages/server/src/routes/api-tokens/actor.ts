import type { FastifyRequest } from 'fastify';
import type { AuditActor } from '../../audit/record.js';
import { requestMeta } from '../../auth/authenticate.js';
import { requirePrincipal } from '../../auth/tenant-context.js';

/** The audit actor of a request: the user, or the API token acting for them. */
export function actorOf(request: FastifyRequest): AuditActor {
  const principal = requirePrincipal(request);
  const meta = requestMeta(request);
  if (principal.apiToken !== undefined) {
    return { type: 'api_token', id: principal.apiToken.id, label: principal.apiToken.name, ...meta };
  }
  return {
    type: 'user',
    id: principal.user.id,
    label: principal.user.email ?? principal.user.subject,
    ...meta,
  };
}
