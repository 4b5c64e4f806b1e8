import type { ServiceConfig } from '../config/service-schema.js';

/** The embedded default's demo service (SPEC §11). */
export const DEMO_SERVICE_ID = 'demo';
/** The audience the development IdP mints the demo API's access tokens for. */
export const DEMO_AUDIENCE = 'demo';
/** The development IdP's client for Latchkey's demo connector. */
export const DEMO_CLIENT_ID = 'latchkey-demo';
/** The one scope of the demo API. */
export const DEMO_SCOPE = 'notes';
export const DEMO_PREFIX = '/demo-api';

export function demoBaseUrl(publicUrl: string): string {
  return `${publicUrl}${DEMO_PREFIX}/`;
}

/**
 * The catalogue entry of the demo service: an ordinary `oidc` connector against the development
 * IdP, asking for the demo API as RFC 8707 resource so the IdP issues JWT access tokens whose
 * audience is `demo` (and a refresh token, through offline_access).
 */
export function demoServiceEntry(publicUrl: string, devIssuer: string, clientSecret: string): ServiceConfig {
  const baseUrl = demoBaseUrl(publicUrl);
  return {
    id: DEMO_SERVICE_ID,
    name: 'Demo notes',
    baseUrl,
    dav: false,
    connector: {
      type: 'oidc',
      issuer: devIssuer,
      clientId: DEMO_CLIENT_ID,
      clientSecret,
      tokenEndpointAuthMethod: 'client_secret_basic',
      scopes: ['openid', 'offline_access', DEMO_SCOPE],
      resource: baseUrl,
      audience: DEMO_AUDIENCE,
      pkce: true,
      authorizationParams: {},
    },
    proxy: {
      inject: { header: 'Authorization', format: 'Bearer {token}' },
      headers: {},
      classifier: 'methods',
      rewrite: { locationHeaders: true },
    },
    refresh: { enabled: true, earlySeconds: 60, beforeExpirySeconds: 300 },
    provisioning: [],
  };
}
