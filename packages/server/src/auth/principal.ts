import type { VerifiedApiToken } from '../api-tokens/verifier.js';
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
  /** API token only: the token, its tenant membership and its scope. */
  apiToken?: VerifiedApiToken;
}

/** Route-level authentication requirement. Routes that say nothing require a user. */
export type AuthRequirement = 'none' | 'optional' | 'user';

/**
 * Whether API tokens may call a route (SPEC §5). Absent → denied: an API token can never manage
 * credentials, so a route must opt in. `allow`: the handler checks scopes with `requireScope`.
 * `self`: only to act on the presenting token itself (revoke), checked by the handler.
 */
export type ApiTokenAccess = 'allow' | 'self';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    auth?: AuthRequirement;
    apiTokens?: ApiTokenAccess;
    /**
     * SPEC §6.1 (proxy only): `accept` takes an API token as the HTTP Basic password; `challenge`
     * also answers a missing credential with a Basic challenge so DAV clients prompt.
     */
    basicAuth?: 'accept' | 'challenge';
  }
}
