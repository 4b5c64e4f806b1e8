import { describe, expect, it } from 'vitest';
import { serviceSchema } from '../src/config/service-schema.js';
import type { ProxyContext } from '../src/proxy/hooks.js';
import { clientResponseHeaders } from '../src/proxy/headers.js';

const service = serviceSchema.parse({
  id: 'files',
  name: 'Files',
  baseUrl: 'http://127.0.0.1:8080/dav/',
  connector: {
    type: 'oauth2',
    authorizationEndpoint: 'http://127.0.0.1:8080/authorize',
    tokenEndpoint: 'http://127.0.0.1:8080/token',
    clientId: 'latchkey',
  },
});

const ctx: ProxyContext = {
  service,
  method: 'GET',
  proxyBase: 'https://latchkey.example.test/proxy/files/',
  upstreamBase: new URL(service.baseUrl),
  hostRouted: false,
  upstreamPath: '/dav/a.txt',
};

/** undici's raw response headers: names and values as sent, in order, as Buffers. */
function raw(...pairs: [string, string][]): Buffer[] {
  return pairs.flatMap(([name, value]) => [Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1')]);
}

describe('response headers from the upstream to the client (SPEC §6.1)', () => {
  it('lower-cases names, keeps values byte for byte and repeated fields as arrays in order', () => {
    const out = clientResponseHeaders(
      raw(
        ['Content-Type', 'text/plain; charset=ISO-8859-1'],
        ['Set-Cookie', 'a=1; Path=/'],
        ['X-Odd-Name', 'caf\u00e9'],
        ['set-cookie', 'b=2; Path=/'],
        ['Set-Cookie', 'c=3'],
      ),
      ctx,
    );
    expect(out).toEqual({
      'content-type': 'text/plain; charset=ISO-8859-1',
      'set-cookie': ['a=1; Path=/', 'b=2; Path=/', 'c=3'],
      'x-odd-name': 'caf\u00e9',
    });
  });

  it('drops hop-by-hop fields and those the Connection field names, keeps the rest', () => {
    const out = clientResponseHeaders(
      raw(
        ['Connection', 'keep-alive, X-Hop'],
        ['Connection', 'x-other'],
        ['Keep-Alive', 'timeout=5'],
        ['Transfer-Encoding', 'chunked'],
        ['Trailer', 'x-sum'],
        ['Upgrade', 'h2c'],
        ['X-Hop', 'dropped'],
        ['X-Other', 'dropped'],
        ['ETag', '"v1"'],
      ),
      ctx,
    );
    expect(out).toEqual({ etag: '"v1"' });
  });

  it('never lets a field named __proto__ reach the object’s prototype', () => {
    // Repeated, the second would be appended to whatever the first left there.
    const out = clientResponseHeaders(
      raw(['__proto__', 'polluted'], ['__proto__', 'again'], ['x-ok', 'yes']),
      ctx,
    );
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out).toEqual({ 'x-ok': 'yes' });
  });

  it('maps Location and Content-Location under the base onto the proxy, others left alone', () => {
    const out = clientResponseHeaders(
      raw(['Location', 'http://127.0.0.1:8080/dav/new%20file.txt?x=1'], ['Content-Location', '/dav/here']),
      ctx,
    );
    expect(out.location).toBe('https://latchkey.example.test/proxy/files/new%20file.txt?x=1');
    expect(out['content-location']).toBe('https://latchkey.example.test/proxy/files/here');
    const elsewhere = clientResponseHeaders(raw(['Location', 'https://other.example.test/dav/x']), ctx);
    expect(elsewhere.location).toBe('https://other.example.test/dav/x');
  });
});
