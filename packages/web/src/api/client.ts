import { createLatchkeyClient, type LatchkeyClient } from '@latchkey/sdk';

/**
 * The console talks to the public API only through `@latchkey/sdk`, the same OpenAPI-generated
 * client scripts use. Same origin, session cookie: no credential is ever held in script memory or
 * storage, and the browser sends `Origin` on every state-changing fetch, which is what the
 * server's CSRF check looks at.
 */
function clientFor(tenant: string | undefined): LatchkeyClient {
  return createLatchkeyClient({
    baseUrl: '',
    credentials: 'same-origin',
    ...(tenant === undefined ? {} : { tenant }),
  });
}

let client = clientFor(undefined);

/** The tenant the console acts in when the user belongs to several (`Latchkey-Tenant`). */
export function setActiveTenant(slug: string | undefined): void {
  client = clientFor(slug);
}

/** The SDK client of the active tenant; `latchkey().api` is the typed client of every route. */
export function latchkey(): LatchkeyClient {
  return client;
}
