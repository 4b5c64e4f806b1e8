import { expect } from 'vitest';

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/**
 * The cookie handling of a browser for one origin (RFC 6265 §5.1.4 path scoping, deletion by
 * Max-Age/Expires), for tests that drive redirect flows over real HTTP without a browser.
 */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  receive(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = url.pathname.slice(0, Math.max(1, url.pathname.lastIndexOf('/')));
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', v = ''] = attribute.split('=', 2).map((s) => s.trim());
        if (/^path$/i.test(key) && v.startsWith('/')) path = v;
        if (/^max-age$/i.test(key) && Number(v) <= 0) expired = true;
        if (/^expires$/i.test(key) && Date.parse(v) <= Date.now()) expired = true;
      }
      const key = `${url.host}\u0000${name}\u0000${path}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path: `${url.host}\u0000${path}` });
    }
  }

  header(url: URL): string | undefined {
    const sent = [...this.#cookies.values()].filter((c) => {
      const [host, path = '/'] = c.path.split('\u0000');
      if (host !== url.host) return false;
      return url.pathname === path || url.pathname.startsWith(path.endsWith('/') ? path : `${path}/`);
    });
    return sent.length === 0 ? undefined : sent.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  value(name: string): string | undefined {
    return [...this.#cookies.values()].find((c) => c.name === name)?.value;
  }
}

export interface Page {
  url: URL;
  status: number;
  headers: Headers;
  body: string;
  location: URL | undefined;
}

/** One request the way a browser makes it: cookies from the jar, redirects not followed. */
export async function browse(jar: CookieJar, url: URL, init: RequestInit = {}): Promise<Page> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie !== undefined) headers.set('cookie', cookie);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.receive(url, res.headers);
  const location = res.headers.get('location');
  return {
    url,
    status: res.status,
    headers: res.headers,
    body: await res.text(),
    location: location === null ? undefined : new URL(location, url),
  };
}

/**
 * Follows redirects from `start` until one points at a path matching `stop` (not fetched) or a
 * page answers; answers that page or the stopping URL.
 */
export async function followUntil(
  jar: CookieJar,
  start: URL,
  stop: (url: URL) => boolean,
  init: RequestInit = {},
): Promise<{ page: Page; stoppedAt: URL | undefined }> {
  let page = await browse(jar, start, init);
  for (let hops = 0; hops < 10; hops += 1) {
    const next = page.location;
    if (next === undefined) return { page, stoppedAt: undefined };
    if (stop(next)) return { page, stoppedAt: next };
    page = await browse(jar, next);
  }
  expect.fail('too many redirects');
}

/** Submits the first form of an HTML page with these fields (application/x-www-form-urlencoded). */
export async function submitForm(jar: CookieJar, page: Page, fields: Record<string, string>): Promise<Page> {
  const action = /<form[^>]*action="([^"]+)"/.exec(page.body)?.[1];
  if (action === undefined) expect.fail(`no form on ${page.url.href}`);
  return browse(jar, new URL(action.replaceAll('&amp;', '&'), page.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}
