import type { Service } from '../api/types.js';

export interface Snippet {
  service: string;
  curl: string;
  sdk: string;
  cli: string;
}

/** A path worth calling first through the proxy: the demo API lists notes, DAV lists a collection. */
function firstPath(service: Service): string {
  if (service.id === 'demo') return 'notes';
  return '';
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Ready-to-run calls through the proxy (`/proxy/{service}/…`, SPEC §6) with the real origin,
 * service id and token filled in; the token is only in memory, in this dialog.
 */
export function usageSnippets(origin: string, token: string, services: readonly Service[]): Snippet[] {
  return services.map((service) => {
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
