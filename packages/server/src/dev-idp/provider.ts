import { randomBytes } from 'node:crypto';
import Provider, { errors as oidcErrors, type Configuration } from 'oidc-provider';
import type { DevIdpKey } from './keys.js';
import { findDemoUser } from './users.js';

export interface DevProviderOptions {
  issuer: string;
  key: DevIdpKey;
  /** Clients Latchkey itself uses against the development IdP (the console). */
  clients: NonNullable<Configuration['clients']>;
  /**
   * Resource servers (RFC 8707) the IdP mints JWT access tokens for, e.g. the demo service:
   * a request naming `resource` gets an RFC 9068 token whose `aud` is `audience`.
   */
  resources?: readonly { resource: string; audience: string; scope: string }[];
}

/**
 * A real, certified OIDC provider (`oidc-provider`) with the demo users, mounted at `/dev-idp`.
 * Development mode only: the configuration refuses to start it when NODE_ENV=production.
 */
export function createDevProvider(options: DevProviderOptions): Provider {
  const provider = new Provider(options.issuer, {
    clients: options.clients,
    jwks: { keys: [options.key.privateJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'profile', 'groups', 'offline_access'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    // The demo users' claims go into the ID token too, so the console needs no userinfo call.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // A refresh keeps the resource the user consented to (RFC 8707 §2.2).
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          const server = options.resources?.find((r) => r.resource === indicator);
          if (server === undefined) throw new oidcErrors.InvalidTarget();
          return {
            scope: server.scope,
            audience: server.audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 3600,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/dev-idp/interaction/${interaction.uid}` },
    // `POST /dev-idp/token` is Latchkey's token endpoint for scripts (SPEC §3.1); the provider's
    // own one (advertised by discovery) must live elsewhere or the console's code exchange hits it.
    routes: { token: '/oauth/token' },
    // Every refresh hands out a new refresh token (RFC 9700 §4.14.2), so rotation is exercised.
    rotateRefreshToken: true,
    ttl: { AccessToken: 3600, IdToken: 3600, Interaction: 600, Session: 86_400, Grant: 86_400 },
    findAccount: (_ctx, id) => {
      const user = findDemoUser(id);
      if (user === undefined) return undefined;
      return {
        accountId: user.sub,
        claims: () => ({
          sub: user.sub,
          email: user.email,
          email_verified: true,
          name: user.name,
          groups: user.groups,
        }),
      };
    },
  });
  return provider;
}
