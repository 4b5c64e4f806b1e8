import { expect } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.js';
import { browse, CookieJar } from './browser-jar.js';
import { basicAsSubject, startBearerGate, type BearerGate } from './bearer-gate.js';
import { startApacheDav, startRadicale, type DavProcess } from './dav-servers.js';
import { PEER_CLIENTS, PEER_RESOURCES, startOAuthPeer, type OAuthPeer } from './oauth-peer.js';
import { consentAtPeer } from './peer-consent.js';

type ServiceInput = NonNullable<ConfigInput['services']>[number];

/** The password the files gate also takes over Basic, for tools that call the server directly. */
export const DIRECT_BASIC_PASSWORD = 'direct-litmus-password';

/**
 * Everything behind Latchkey in the DAV tests: a real authorization server (oidc-provider) that
 * Latchkey connects to through the consent flow, Apache mod_dav (`files`, under `/dav/`, so
 * hrefs need rewriting) and Radicale (`calendar`, at the root), each behind a gate accepting only
 * that server's access tokens.
 */
export interface DavBed {
  peer: OAuthPeer;
  apache: DavProcess;
  radicale: DavProcess;
  filesGate: BearerGate;
  calendarGate: BearerGate;
  /** Catalogue entries for Latchkey: `files` and `calendar`, both `dav: true`. */
  services: ServiceInput[];
  close(): Promise<void>;
}

/** Starts the bed for a Latchkey that will listen at `latchkeyBase` (the consent redirect URIs). */
export async function startDavBed(latchkeyBase: string): Promise<DavBed> {
  const peer = await startOAuthPeer({
    redirectUris: [`${latchkeyBase}/connect/files/callback`, `${latchkeyBase}/connect/calendar/callback`],
  });
  const [apache, radicale] = await Promise.all([startApacheDav(), startRadicale()]);
  const audience = PEER_RESOURCES.api.audience;
  const filesGate = await startBearerGate({
    upstream: apache.url,
    issuer: peer.issuer,
    audience,
    basicPassword: DIRECT_BASIC_PASSWORD,
  });
  const calendarGate = await startBearerGate({
    upstream: radicale.url,
    issuer: peer.issuer,
    audience,
    forwardAs: basicAsSubject,
  });
  const connector = {
    type: 'oidc' as const,
    issuer: peer.issuer,
    clientId: PEER_CLIENTS.basic.id,
    clientSecret: PEER_CLIENTS.basic.secret,
    scopes: ['openid', 'offline_access', 'api'],
    resource: PEER_RESOURCES.api.resource,
    audience,
  };
  return {
    peer,
    apache,
    radicale,
    filesGate,
    calendarGate,
    services: [
      { id: 'files', name: 'Files (Apache mod_dav)', baseUrl: `${filesGate.url}/dav/`, dav: true, connector },
      { id: 'calendar', name: 'Calendar (Radicale)', baseUrl: `${calendarGate.url}/`, dav: true, connector },
    ],
    async close() {
      await Promise.allSettled([filesGate.close(), calendarGate.close()]);
      await Promise.allSettled([apache.stop(), radicale.stop(), peer.close()]);
    },
  };
}

/**
 * Connects `service` for the holder of `idpToken` end to end: Latchkey's consent flow, the
 * user's consent at the authorization server as `user` (the token's `sub`, Radicale's user), the
 * callback back to Latchkey.
 */
export async function connectThroughConsent(
  latchkeyBase: string,
  idpToken: string,
  service: string,
  user: string,
): Promise<void> {
  const res = await fetch(`${latchkeyBase}/api/v1/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${idpToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ service }),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  const { authorizationUrl } = (await res.json()) as { authorizationUrl: string };
  const callback = await consentAtPeer(authorizationUrl, `${latchkeyBase}/connect/`, 'allow', user);
  const done = await browse(new CookieJar(), callback);
  expect(done.status, done.body).toBe(303);
}

/** A development-IdP access token for a demo user (alice, adam…). */
export async function devIdpToken(latchkeyBase: string, user: string, audience?: string): Promise<string> {
  const res = await fetch(`${latchkeyBase}/dev-idp/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(audience === undefined ? { user } : { user, audience }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** An API token of the holder of `idpToken`, shown once. */
export async function createApiToken(
  latchkeyBase: string,
  idpToken: string,
  services: string[],
  permissions: string[],
): Promise<string> {
  const res = await fetch(`${latchkeyBase}/api/v1/api-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${idpToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: `dav ${services.join(',')} ${permissions.join(',')} ${Date.now()}`,
      services,
      permissions,
      expiresInDays: 7,
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { token: string }).token;
}
