import { expect } from 'vitest';
import { browse, CookieJar, followUntil } from './browser-jar.js';

/**
 * Plays the user at the peer authorization server: follows the authorization URL to the peer's
 * interaction page, answers Allow or Deny, and follows the redirects until the one that leaves
 * for `redirectPrefix` (answered, not fetched).
 */
export async function consentAtPeer(
  authorizationUrl: string,
  redirectPrefix: string,
  decision: 'allow' | 'deny' = 'allow',
  user = 'peer-user',
): Promise<URL> {
  const jar = new CookieJar();
  const leaves = (u: URL) => u.href.startsWith(redirectPrefix);
  const { page, stoppedAt } = await followUntil(jar, new URL(authorizationUrl), leaves);
  if (stoppedAt !== undefined) return stoppedAt;
  expect(page.status, page.body).toBe(200);
  const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
  if (action === undefined) expect.fail('no consent form at the peer');
  const posted = await browse(jar, new URL(action, page.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user, decision }).toString(),
  });
  if (posted.location === undefined) expect.fail(`the peer did not redirect (${posted.status})`);
  if (leaves(posted.location)) return posted.location;
  const next = await followUntil(jar, posted.location, leaves);
  if (next.stoppedAt === undefined)
    expect.fail(`the peer did not send the browser back (${next.page.status})`);
  return next.stoppedAt;
}
