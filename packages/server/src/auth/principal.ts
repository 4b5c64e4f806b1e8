import type { MembershipView, UserRow } from '../store/users.js';

/** How the caller proved who they are (SPEC §3.1). */
export type CredentialKind = 'idp_token' | 'session' | 'api_token';

/** The authenticated caller of a request, as read from the store. */
export interface Principal {
  kind: CredentialKind;
  user: UserRow;
  memberships: MembershipView[];
  /** IdP token only: its audience includes an operator audience. */
  operatorAudience: boolean;
  /** Session only: the session id (logout, CSRF-protected). */
  sessionId?: string;
}

/** Route-level authentication requirement. Routes that say nothing require a user. */
export type AuthRequirement = 'none' | 'optional' | 'user';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    auth?: AuthRequirement;
  }
}
