import type { ClientMetadata } from 'oidc-provider';
import type { Config } from '../config/load.js';
import type { ServiceConfig } from '../config/service-schema.js';
import {
  DEMO_AUDIENCE,
  DEMO_CLIENT_ID,
  DEMO_SCOPE,
  DEMO_SERVICE_ID,
  demoBaseUrl,
  demoServiceEntry,
} from './demo-service.js';

/**
 * The catalogue Latchkey runs with: the configured services, plus — in development mode, when the
 * configuration declares no `demo` of its own — the built-in demo service (SPEC §11).
 */
export function catalogueWithDemo(
  config: Config,
  devIssuer: string | undefined,
  demoSecret: string,
): ServiceConfig[] {
  const services = [...config.services];
  if (config.devMode && devIssuer !== undefined && !services.some((s) => s.id === DEMO_SERVICE_ID)) {
    services.push(demoServiceEntry(config.server.publicUrl, devIssuer, demoSecret));
  }
  return services;
}

function hasBuiltInDemo(catalogue: readonly ServiceConfig[]): boolean {
  return catalogue.some(
    (s) => s.id === DEMO_SERVICE_ID && s.connector.type === 'oidc' && s.connector.clientId === DEMO_CLIENT_ID,
  );
}

/** The development IdP's client for the demo connector: code + refresh, its one redirect URI. */
export function demoIdpClient(
  catalogue: readonly ServiceConfig[],
  publicUrl: string,
  secret: string,
): ClientMetadata[] {
  if (!hasBuiltInDemo(catalogue)) return [];
  return [
    {
      client_id: DEMO_CLIENT_ID,
      client_secret: secret,
      redirect_uris: [`${publicUrl}/connect/${DEMO_SERVICE_ID}/callback`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ];
}

/** The demo API as an RFC 8707 resource of the development IdP: JWT access tokens, `aud` demo. */
export function demoIdpResources(
  catalogue: readonly ServiceConfig[],
  publicUrl: string,
): { resource: string; audience: string; scope: string }[] {
  if (!hasBuiltInDemo(catalogue)) return [];
  return [{ resource: demoBaseUrl(publicUrl), audience: DEMO_AUDIENCE, scope: DEMO_SCOPE }];
}
