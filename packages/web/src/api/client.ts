import { ApiError, problemFrom } from './problem.js';

/** The tenant the console acts in when the user belongs to several (`Latchkey-Tenant`). */
let activeTenant: string | undefined;

export function setActiveTenant(slug: string | undefined): void {
  activeTenant = slug;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One call to the public API with the session cookie (same origin). The browser sends `Origin`
 * on every state-changing fetch, which is what the server's CSRF check looks at; no credential is
 * ever held in script memory or storage.
 */
export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers = new Headers({ accept: 'application/json, application/problem+json' });
  if (activeTenant !== undefined) headers.set('latchkey-tenant', activeTenant);
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers.set('content-type', 'application/json');
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', 'Network error');
  }
  if (!res.ok) throw await problemFrom(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Builds a query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const s = search.toString();
  return s === '' ? '' : `?${s}`;
}
