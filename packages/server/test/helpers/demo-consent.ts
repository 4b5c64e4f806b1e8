import { expect } from 'vitest';
import { browse, CookieJar, followUntil, submitForm } from './browser-jar.js';

/**
 * Connects the embedded demo service for `user` the way a person does: start the connection with
 * their IdP token, sign in and consent at the development IdP, and land on Latchkey's callback.
 */
export async function connectDemoAs(latchkeyBase: string, idpToken: string, user: string): Promise<void> {
  const start = await fetch(`${latchkeyBase}/api/v1/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${idpToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ service: 'demo' }),
  });
  expect(start.status, await start.clone().text()).toBe(202);
  const { authorizationUrl } = (await start.json()) as { authorizationUrl: string };
  const jar = new CookieJar();
  const isCallback = (u: URL) => u.pathname.startsWith('/connect/');
  const { page } = await followUntil(jar, new URL(authorizationUrl), isCallback);
  const posted = await submitForm(jar, page, { user });
  if (posted.location === undefined) expect.fail('the IdP did not redirect');
  const callback = isCallback(posted.location)
    ? posted.location
    : (await followUntil(jar, posted.location, isCallback)).stoppedAt;
  if (callback === undefined) expect.fail('the IdP did not come back');
  expect((await browse(jar, callback)).status).toBe(303);
}
