import type { FastifyRequest } from 'fastify';
import { requestMeta } from '../../auth/authenticate.js';
import type { AuditActor } from '../../audit/record.js';

/** The audit actor of a request: the signed-in user when there is one, with IP and user agent. */
export function requestActor(request: FastifyRequest): AuditActor {
  const meta = requestMeta(request);
  const user = request.principal?.user;
  return {
    type: 'user',
    id: user?.id ?? null,
    label: user === undefined ? null : (user.email ?? user.subject),
    ip: meta.ip,
    userAgent: meta.userAgent,
  };
}
