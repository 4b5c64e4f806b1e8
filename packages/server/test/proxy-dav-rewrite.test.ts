import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asksIdentityEncoding, responseRewrite, rewritesRequestBody } from '../src/proxy/dav/body-policy.js';
import {
  destinationProblem,
  rewriteDestination,
  rewriteIfHeader,
  rewriteLocation,
} from '../src/proxy/dav/headers.js';
import { davBase, toProxyHref, toUpstreamHref, type DavBases } from '../src/proxy/dav/href-map.js';
import { rewriteRequestBody, rewriteResponseBody } from '../src/proxy/dav/rewrite-bodies.js';
import { wellKnownRedirect } from '../src/proxy/dav/well-known.js';
import { rewriteXmlHrefs, XmlHrefRewriter } from '../src/proxy/dav/xml-hrefs.js';

const bases: DavBases = {
  upstream: davBase('http://dav.internal:8080/remote/dav/'),
  proxy: davBase('https://latchkey.example.com/proxy/files/'),
};
const rootBases: DavBases = {
  upstream: davBase('http://127.0.0.1:5232/'),
  proxy: davBase('http://127.0.0.1:3000/proxy/calendar'),
};

/** A path segment as a server writes it: unreserved characters and percent-escapes, any case. */
const segment = fc
  .array(
    fc.oneof(
      fc.constantFrom(..."abcXYZ019-._~!$&'()*+,;=:@".split('')),
      fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0')}`),
      fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`),
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => parts.join(''));
const suffix = fc
  .tuple(fc.array(segment, { maxLength: 5 }), fc.boolean())
  .map(([segments, collection]) => segments.join('/') + (collection && segments.length > 0 ? '/' : ''));

describe('DAV href mapping between the upstream base and the proxy prefix (RFC 4918 §8.3)', () => {
  it('maps path-only and absolute hrefs both ways, keeping every byte after the base', () => {
    fc.assert(
      fc.property(suffix, fc.constantFrom(bases, rootBases), (rest, b) => {
        const upstreamPath = b.upstream.path + rest;
        const proxyPath = b.proxy.path + rest;
        expect(toProxyHref(upstreamPath, b)).toBe(proxyPath);
        expect(toUpstreamHref(proxyPath, b)).toBe(upstreamPath);
        expect(toUpstreamHref(toProxyHref(upstreamPath, b), b)).toBe(upstreamPath);
        expect(toProxyHref(b.upstream.origin + upstreamPath, b)).toBe(b.proxy.origin + proxyPath);
        expect(toUpstreamHref(b.proxy.origin + proxyPath, b)).toBe(b.upstream.origin + upstreamPath);
      }),
    );
  });

  it('leaves hrefs outside the base, of other hosts and of other schemes alone', () => {
    fc.assert(
      fc.property(suffix, (rest) => {
        for (const href of [
          `/elsewhere/${rest}`,
          `http://other.example:8080/remote/dav/${rest}`,
          `//dav.internal:8080/remote/dav/${rest}`,
          `mailto:alice@example.com`,
          `relative/${rest}`,
        ]) {
          expect(toProxyHref(href, bases)).toBe(href);
          expect(toUpstreamHref(href, bases)).toBe(href);
        }
      }),
    );
  });

  it('accepts the base without its trailing slash, and hosts in any case or with the default port', () => {
    expect(toProxyHref('/remote/dav', bases)).toBe('/proxy/files');
    expect(toUpstreamHref('/proxy/files', bases)).toBe('/remote/dav');
    expect(toUpstreamHref('/proxy/files?x=1', bases)).toBe('/remote/dav?x=1');
    expect(toProxyHref('/remote/davx/', bases)).toBe('/remote/davx/');
    expect(toUpstreamHref('HTTPS://Latchkey.Example.com:443/proxy/files/a%20b', bases)).toBe(
      'http://dav.internal:8080/remote/dav/a%20b',
    );
  });
});

describe('Destination, If and Location headers (RFC 4918 §10.3, §10.4)', () => {
  it('maps Destination whether absolute or a path', () => {
    expect(rewriteDestination('https://latchkey.example.com/proxy/files/a/b%C3%A9.txt', bases)).toBe(
      'http://dav.internal:8080/remote/dav/a/b%C3%A9.txt',
    );
    expect(rewriteDestination('/proxy/files/x/', bases)).toBe('/remote/dav/x/');
  });

  it('refuses a Destination outside the service or escaping its base (SPEC §6.1)', () => {
    expect(destinationProblem('https://latchkey.example.com/proxy/files/a%20b', bases)).toBeUndefined();
    expect(destinationProblem('/proxy/files/new/', bases)).toBeUndefined();
    expect(destinationProblem('/proxy/files', bases)).toBeUndefined();
    for (const bad of [
      '/proxy/calendar/alice/x.ics',
      'https://evil.example/proxy/files/x',
      'http://dav.internal:8080/elsewhere/x',
      '/proxy/files/../calendar/x',
      '/proxy/files/%2e%2e/%2e%2e/etc/passwd',
      '/proxy/files/a%2fb',
      '/proxy/files/a\\b',
      '/proxy/files/a%0d%0aX-Injected: 1',
      'mailto:alice@example.com',
    ]) {
      expect(destinationProblem(bad, bases), bad).toMatch(/Destination/);
    }
  });

  it('maps the resource tags of If and nothing inside the lists', () => {
    const value =
      '<https://latchkey.example.com/proxy/files/lockme> (<opaquelocktoken:abc-1> ["W/\\"x)>\\""]) ' +
      '(Not <DAV:no-lock>) </proxy/files/other> (<urn:uuid:1>)';
    expect(rewriteIfHeader(value, bases)).toBe(
      '<http://dav.internal:8080/remote/dav/lockme> (<opaquelocktoken:abc-1> ["W/\\"x)>\\""]) ' +
        '(Not <DAV:no-lock>) </remote/dav/other> (<urn:uuid:1>)',
    );
    // No-tag lists have nothing to map; a malformed header is passed on for the upstream to judge.
    expect(rewriteIfHeader('(<opaquelocktoken:abc> ["etag"])', bases)).toBe(
      '(<opaquelocktoken:abc> ["etag"])',
    );
    expect(rewriteIfHeader('</proxy/files/a', bases)).toBe('</proxy/files/a');
  });

  it('maps Location back to the proxy', () => {
    expect(rewriteLocation('http://dav.internal:8080/remote/dav/new/', bases)).toBe(
      'https://latchkey.example.com/proxy/files/new/',
    );
  });
});

const multistatus = (href: string, prefix = 'D'): string =>
  `<?xml version="1.0" encoding="utf-8"?>\n<${prefix}:multistatus xmlns:${prefix}="DAV:">` +
  `<${prefix}:response><${prefix}:href>${href}</${prefix}:href>` +
  `<${prefix}:propstat><${prefix}:prop><${prefix}:displayname>été &amp; co</${prefix}:displayname>` +
  `</${prefix}:prop><${prefix}:status>HTTP/1.1 200 OK</${prefix}:status></${prefix}:propstat>` +
  `</${prefix}:response></${prefix}:multistatus>`;

describe('multistatus bodies (RFC 4918 §13)', () => {
  it('rewrites hrefs of any prefix, default namespace, whitespace and escaped text', () => {
    const map = (h: string) => toProxyHref(h, bases);
    const rewrite = (xml: string) => rewriteXmlHrefs(Buffer.from(xml), map).toString();
    expect(rewrite(multistatus('/remote/dav/a%20b/'))).toBe(multistatus('/proxy/files/a%20b/'));
    expect(rewrite(multistatus('http://dav.internal:8080/remote/dav/x', 'd'))).toBe(
      multistatus('https://latchkey.example.com/proxy/files/x', 'd'),
    );
    expect(rewrite('<multistatus xmlns="DAV:"><response><href>\n  /remote/dav/q?a=1&amp;b=2\n</href>')).toBe(
      '<multistatus xmlns="DAV:"><response><href>\n  /proxy/files/q?a=1&amp;b=2\n</href>',
    );
    // Hrefs elsewhere and similar-looking elements stay byte for byte.
    const other = multistatus('/not/ours') + '<D:hrefs>/remote/dav/</D:hrefs>';
    expect(rewrite(other)).toBe(other);
  });

  it('gives the same bytes whatever the chunking, UTF-8 split across chunks included', async () => {
    const body = Buffer.from(
      Array.from({ length: 40 }, (_, i) => multistatus(`/remote/dav/f%C3%A9${i}/été-${i}.txt`)).join('\n'),
    );
    const expected = rewriteXmlHrefs(body, (h) => toProxyHref(h, bases));
    expect(expected.toString()).toContain('<D:href>/proxy/files/f%C3%A939/été-39.txt</D:href>');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: body.length - 1 }), { maxLength: 30 }),
        async (cuts) => {
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const chunks = [0, ...points].map((start, i) => body.subarray(start, points[i] ?? body.length));
          const out = rewriteResponseBody(Readable.from(chunks), { rewrite: true, decode: undefined }, bases);
          expect(await text(out)).toBe(expected.toString());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('streams: what is complete leaves before the body ends, an open href is held back', async () => {
    const rewriter = new XmlHrefRewriter((h) => toProxyHref(h, bases));
    const out: string[] = [];
    rewriter.on('data', (chunk: Buffer) => out.push(chunk.toString('latin1')));
    rewriter.write(
      Buffer.from('<D:multistatus xmlns:D="DAV:"><D:href>/remote/dav/a</D:href><D:href>/remote/d'),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.join('')).toBe('<D:multistatus xmlns:D="DAV:"><D:href>/proxy/files/a</D:href>');
    rewriter.end(Buffer.from('av/b</D:href></D:multistatus>'));
    await new Promise((resolve) => rewriter.once('end', resolve));
    expect(out.join('')).toBe(
      '<D:multistatus xmlns:D="DAV:"><D:href>/proxy/files/a</D:href><D:href>/proxy/files/b</D:href></D:multistatus>',
    );
  });

  it('decodes a gzip body the upstream compressed anyway', async () => {
    const out = rewriteResponseBody(
      Readable.from([gzipSync(multistatus('/remote/dav/z'))]),
      { rewrite: true, decode: 'gzip' },
      bases,
    );
    expect(await text(out)).toBe(multistatus('/proxy/files/z'));
  });

  it('maps REPORT request hrefs to the upstream (RFC 4791 §7.9 calendar-multiget)', () => {
    const report =
      '<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>' +
      '<D:href>/proxy/calendar/alice/cal/1.ics</D:href></C:calendar-multiget>';
    expect(rewriteRequestBody(Buffer.from(report), rootBases).toString()).toBe(
      report.replace('/proxy/calendar/alice', '/alice'),
    );
  });
});

describe('what is rewritten', () => {
  it('only XML bodies of DAV methods, never file bodies', () => {
    expect(responseRewrite('PROPFIND', 207, 'application/xml; charset=utf-8', undefined)).toEqual({
      rewrite: true,
      decode: undefined,
    });
    expect(responseRewrite('REPORT', 207, 'text/xml', 'gzip')).toEqual({ rewrite: true, decode: 'gzip' });
    expect(responseRewrite('LOCK', 200, 'text/xml', undefined).rewrite).toBe(true);
    expect(responseRewrite('GET', 200, 'application/xml', undefined).rewrite).toBe(false);
    expect(responseRewrite('PUT', 201, 'text/xml', undefined).rewrite).toBe(false);
    expect(responseRewrite('REPORT', 200, 'text/calendar', undefined).rewrite).toBe(false);
    expect(responseRewrite('PROPFIND', 207, 'application/xml', 'compress').rewrite).toBe(false);
    expect(responseRewrite('PROPFIND', 207, 'application/xml', 'gzip, br').rewrite).toBe(false);
    expect(rewritesRequestBody('REPORT', 'application/xml')).toBe(true);
    expect(rewritesRequestBody('PUT', 'application/xml')).toBe(false);
    expect(asksIdentityEncoding('propfind')).toBe(true);
    expect(asksIdentityEncoding('GET')).toBe(false);
  });
});

describe('well-known DAV discovery (RFC 6764 §5)', () => {
  it('redirects caldav and carddav to the DAV root, nothing else', () => {
    expect(wellKnownRedirect('.well-known/caldav', '/proxy/calendar/')).toBe('/proxy/calendar/');
    expect(wellKnownRedirect('.well-known/carddav/', '/')).toBe('/');
    expect(wellKnownRedirect('.well-known/caldav?x', '/')).toBe('/');
    expect(wellKnownRedirect('.well-known/openid-configuration', '/')).toBeUndefined();
    expect(wellKnownRedirect('a/.well-known/caldav', '/')).toBeUndefined();
  });
});
