import type { ClientContext } from './context.js';
import { errorFromResponse, isProblemResponse } from './errors.js';
import { errorStatus } from './generated/error-codes.js';

/**
 * The URL of `path` at `service` behind the proxy; the path is kept byte for byte (SPEC §6.1).
 *
 * @example
 * proxyUrl('https://latchkey.example.com', 'files', '/remote.php/dav/'); // → …/proxy/files/remote.php/dav/
 */
export function proxyUrl(baseUrl: string, service: string, path: string): string {
  const rest = path.startsWith('/') ? path.slice(1) : path;
  return `${baseUrl.replace(/\/+$/, '')}/proxy/${encodeURIComponent(service)}/${rest}`;
}

/** Whether a problem document came from Latchkey itself (its code is in the catalogue), not the upstream. */
async function isLatchkeyProblem(response: Response): Promise<boolean> {
  if (!isProblemResponse(response)) return false;
  try {
    const body: unknown = await response.clone().json();
    return (
      typeof body === 'object' &&
      body !== null &&
      'code' in body &&
      typeof body.code === 'string' &&
      Object.hasOwn(errorStatus, body.code)
    );
  } catch {
    return false;
  }
}

/** `fetch` through the proxy: see {@link LatchkeyClient.proxyFetch}. */
export async function proxyFetchWith(
  ctx: ClientContext,
  service: string,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const streamed = typeof ReadableStream !== 'undefined' && init.body instanceof ReadableStream;
  const request: RequestInit & { duplex?: 'half' } = {
    credentials: ctx.credentials,
    ...init,
    headers: ctx.headers(init.headers),
    // Node's fetch needs `duplex: 'half'` to send a streamed request body.
    ...(streamed ? { duplex: 'half' as const } : {}),
  };
  const response = await ctx.fetch(proxyUrl(ctx.baseUrl, service, path), request);
  if (!response.ok && (await isLatchkeyProblem(response))) throw await errorFromResponse(response);
  return response;
}
