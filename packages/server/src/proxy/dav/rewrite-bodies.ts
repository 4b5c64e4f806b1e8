import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { ResponseRewrite } from './body-policy.js';
import { toProxyHref, toUpstreamHref, type DavBases } from './href-map.js';
import { rewriteXmlHrefs, XmlHrefRewriter } from './xml-hrefs.js';

function decoder(coding: 'gzip' | 'deflate' | 'br'): Transform {
  if (coding === 'br') return createBrotliDecompress();
  return coding === 'gzip' ? createGunzip() : createInflate();
}

/**
 * The upstream's XML response body with its hrefs in proxy terms, streamed: decoded first when
 * the upstream compressed it anyway. The length changes, so the caller drops `Content-Length`
 * and `Content-Encoding` (the result is identity-coded). An error on any stage destroys the
 * returned stream, so a cut upstream never looks like a complete body.
 */
export function rewriteResponseBody(
  body: Readable,
  plan: Extract<ResponseRewrite, { rewrite: true }>,
  bases: DavBases,
): Readable {
  const rewriter = new XmlHrefRewriter((href) => toProxyHref(href, bases));
  const done = (): void => {
    // Errors travel to `rewriter` through pipeline; the consumer sees them there.
  };
  if (plan.decode === undefined) pipeline(body, rewriter, done);
  else pipeline(body, decoder(plan.decode), rewriter, done);
  return rewriter;
}

/** A (buffered, bounded by the caller) REPORT or SEARCH body with its hrefs in upstream terms. */
export function rewriteRequestBody(body: Buffer, bases: DavBases): Buffer {
  return rewriteXmlHrefs(body, (href) => toUpstreamHref(href, bases));
}
