import type { Service } from '../api/types.js';

export interface Snippet {
  service: string;
  curl: string;
  sdk: string;
  cli: string;
}

/** What the Usage tab read from a JMAP service's session (RFC 8620 §2) through the proxy. */
export interface JmapSession {
  accountId: string;
  /** The session's `apiUrl` as a path below the service's proxy prefix (`/jmap`). */
  apiPath: string;
}

const JMAP_USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];

/**
 * Reads the mail account and API path out of a session object; undefined when the session does
 * not have both, or names an API outside the service (a client would then bypass the proxy).
 */
export function jmapSessionOf(service: Service, origin: string, session: unknown): JmapSession | undefined {
  if (typeof session !== 'object' || session === null) return undefined;
  const { apiUrl, primaryAccounts } = session as { apiUrl?: unknown; primaryAccounts?: unknown };
  const accounts = (primaryAccounts ?? {}) as Record<string, unknown>;
  const accountId = accounts['urn:ietf:params:jmap:mail'];
  if (typeof apiUrl !== 'string' || typeof accountId !== 'string') return undefined;
  const base = service.baseUrl.endsWith('/') ? service.baseUrl : `${service.baseUrl}/`;
  const proxied = `${origin}/proxy/${service.id}/`;
  let rest: string | undefined;
  if (apiUrl.startsWith(base)) rest = apiUrl.slice(base.length);
  else if (apiUrl.startsWith(proxied)) rest = apiUrl.slice(proxied.length);
  else if (apiUrl.startsWith(`/proxy/${service.id}/`)) rest = apiUrl.slice(`/proxy/${service.id}/`.length);
  return rest === undefined ? undefined : { accountId, apiPath: `/${rest}` };
}

/** A path worth calling first through the proxy: the demo API lists notes, JMAP its session. */
function firstPath(service: Service): string {
  if (service.id === 'demo') return 'notes';
  if (service.jmap) return '.well-known/jmap';
  return '';
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Ready-to-run calls through the proxy (`/proxy/{service}/…`, SPEC §6) with the real origin,
 * service id and token filled in; the token is only in memory, in this dialog.
 */
export function usageSnippets(
  origin: string,
  token: string,
  services: readonly Service[],
  sessions: Readonly<Partial<Record<string, JmapSession>>> = {},
): Snippet[] {
  return services.map((service) => {
    const session = sessions[service.id];
    if (session !== undefined) return jmapSnippet(origin, token, service, session);
    const url = `${origin}/proxy/${service.id}/${firstPath(service)}`;
    const curl = service.dav
      ? `curl -X PROPFIND -H 'Depth: 1' \\\n  -H ${shellQuote(`Authorization: Bearer ${token}`)} \\\n  ${shellQuote(url)}`
      : `curl -H ${shellQuote(`Authorization: Bearer ${token}`)} \\\n  ${shellQuote(url)}`;
    const sdk = [
      `import { createLatchkeyClient } from '@latchkey/sdk';`,
      ``,
      `const lk = createLatchkeyClient({ baseUrl: ${JSON.stringify(origin)}, token: process.env.LATCHKEY_TOKEN });`,
      `const res = await lk.proxyFetch(${JSON.stringify(service.id)}, ${JSON.stringify(`/${firstPath(service)}`)});`,
      `console.log(res.status, await res.text());`,
    ].join('\n');
    const cli = [
      `export LATCHKEY_URL=${shellQuote(origin)}`,
      `export LATCHKEY_TOKEN=${shellQuote(token)}`,
      `latchkey proxy ${service.id} ${shellQuote(`/${firstPath(service)}`)}`,
    ].join('\n');
    return { service: service.id, curl, sdk, cli };
  });
}

/** A JMAP call with the user's real account: list the mailboxes (`Mailbox/get`). */
function jmapSnippet(origin: string, token: string, service: Service, session: JmapSession): Snippet {
  const request = {
    using: JMAP_USING,
    methodCalls: [['Mailbox/get', { accountId: session.accountId, ids: null }, '0']],
  };
  const body = JSON.stringify(request);
  const url = `${origin}/proxy/${service.id}${session.apiPath}`;
  const curl = [
    `curl -X POST -H ${shellQuote(`Authorization: Bearer ${token}`)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(body)} \\`,
    `  ${shellQuote(url)}`,
  ].join('\n');
  const sdk = [
    `import { createLatchkeyClient } from '@latchkey/sdk';`,
    ``,
    `const lk = createLatchkeyClient({ baseUrl: ${JSON.stringify(origin)}, token: process.env.LATCHKEY_TOKEN });`,
    `const res = await lk.proxyFetch(${JSON.stringify(service.id)}, ${JSON.stringify(session.apiPath)}, {`,
    `  method: 'POST',`,
    `  headers: { 'content-type': 'application/json' },`,
    `  body: JSON.stringify(${JSON.stringify(request)}),`,
    `});`,
    `console.log(res.status, await res.text());`,
  ].join('\n');
  const cli = [
    `export LATCHKEY_URL=${shellQuote(origin)}`,
    `export LATCHKEY_TOKEN=${shellQuote(token)}`,
    `latchkey proxy ${service.id} ${shellQuote(session.apiPath)} -X POST \\`,
    `  -H 'content-type: application/json' -d ${shellQuote(body)}`,
  ].join('\n');
  return { service: service.id, curl, sdk, cli };
}
