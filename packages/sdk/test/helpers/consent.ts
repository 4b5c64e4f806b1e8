import { browse, CookieJar, followUntil, submitForm } from '../../../server/test/helpers/browser-jar.js';

/**
 * Gives the consent at the development IdP (a real oidc-provider) as `user`, the way a browser
 * would: follow the authorization URL, submit the login form, come back to Latchkey's callback.
 */
export async function consentAs(authorizationUrl: string, user: string): Promise<void> {
  const jar = new CookieJar();
  const isCallback = (u: URL): boolean => u.pathname.startsWith('/connect/');
  const { page } = await followUntil(jar, new URL(authorizationUrl), isCallback);
  if (!page.url.pathname.startsWith('/dev-idp/interaction/')) {
    throw new Error(`expected the IdP's login page, got ${String(page.status)} ${page.url.href}`);
  }
  const posted = await submitForm(jar, page, { user });
  const location = posted.location;
  if (location === undefined) throw new Error(`the IdP did not redirect (${String(posted.status)})`);
  const callback = isCallback(location) ? location : (await followUntil(jar, location, isCallback)).stoppedAt;
  if (callback === undefined) throw new Error('the IdP did not come back to Latchkey');
  const done = await browse(jar, callback);
  if (done.status !== 303) throw new Error(`the callback answered ${String(done.status)}`);
}
