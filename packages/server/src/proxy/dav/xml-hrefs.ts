import { Transform, type TransformCallback } from 'node:stream';

/*
 * Rewriting the `href` elements of DAV XML bodies (RFC 4918 §14.7: multistatus responses, lock
 * roots, precondition errors; RFC 4791 §7 / RFC 6352 §8 REPORT requests) without an XML parser.
 *
 * Bodies are handled as latin1 strings: one char per byte, so every byte that is not part of a
 * rewritten href leaves exactly as it came (any ASCII-compatible encoding, UTF-8 split across
 * chunks included), and the bases that get swapped are ASCII (percent-encoded URLs).
 * Any namespace prefix is accepted (`D:href`, `d:href`, a default `xmlns="DAV:"`); an `href` of
 * another vocabulary is only changed when its value starts with the base, which makes it a
 * reference to the same resource anyway.
 */

/** One complete `<x:href …>text</x:href>`; the text has no markup (no CDATA in DAV hrefs). */
const HREF_ELEMENT = /<((?:[A-Za-z_][\w.-]*:)?href)(\s[^>]*)?>([^<]*)<\/\1\s*>/g;
/** An opening href tag whose element is not complete yet. */
const HREF_OPEN = /<(?:[A-Za-z_][\w.-]*:)?href(?:\s[^>]*)?>/g;

/** A single href that never closes is not waited for beyond this: the rest passes untouched. */
const MAX_PENDING = 64 * 1024;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d{1,3}|#x[0-9a-f]{1,2});/gi, (entity, name: string) => {
    const named = ENTITIES[name.toLowerCase()];
    if (named !== undefined) return named;
    const code =
      name.startsWith('#x') || name.startsWith('#X')
        ? parseInt(name.slice(2), 16)
        : parseInt(name.slice(1), 10);
    // Only ASCII references: anything else would need the document's encoding to write back.
    return code < 128 ? String.fromCharCode(code) : entity;
  });
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** The element's text with its href mapped; the original bytes when the map leaves it alone. */
function rewriteText(text: string, map: (href: string) => string): string {
  const start = text.length - text.trimStart().length;
  const end = text.trimEnd().length;
  if (end <= start) return text;
  const href = unescapeXml(text.slice(start, end));
  const mapped = map(href);
  if (mapped === href) return text;
  return text.slice(0, start) + escapeXml(mapped) + text.slice(end);
}

/** Rewrites every complete href element of `xml`; returns the text and where processing stopped. */
function rewriteComplete(xml: string, map: (href: string) => string): { out: string; rest: string } {
  let out = '';
  let last = 0;
  for (const match of xml.matchAll(HREF_ELEMENT)) {
    const [whole, name = '', attributes = '', text = ''] = match;
    out += xml.slice(last, match.index) + `<${name}${attributes}>${rewriteText(text, map)}</${name}>`;
    last = match.index + whole.length;
  }
  return { out, rest: xml.slice(last) };
}

/** Rewrites the hrefs of a whole (buffered) XML body. */
export function rewriteXmlHrefs(body: Buffer, map: (href: string) => string): Buffer {
  const { out, rest } = rewriteComplete(body.toString('latin1'), map);
  return Buffer.from(out + rest, 'latin1');
}

/** Where the unprocessed tail must be kept from: an open href, or a tag cut by the chunk end. */
function pendingFrom(rest: string): number {
  let open = -1;
  for (const match of rest.matchAll(HREF_OPEN)) open = match.index;
  if (open >= 0) return open;
  const lt = rest.lastIndexOf('<');
  return lt >= 0 && !rest.includes('>', lt) ? lt : rest.length;
}

/**
 * A streaming rewriter for large multistatus bodies (a Depth: infinity PROPFIND can list a
 * whole drive): holds back at most one unfinished href element between chunks.
 */
export class XmlHrefRewriter extends Transform {
  private pending = '';
  private readonly mapHref: (href: string) => string;

  constructor(mapHref: (href: string) => string) {
    super();
    this.mapHref = mapHref;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const { out, rest } = rewriteComplete(this.pending + chunk.toString('latin1'), this.mapHref);
    const from = pendingFrom(rest);
    const keep = rest.length - from > MAX_PENDING ? rest.length : from;
    this.pending = rest.slice(keep);
    const ready = out + rest.slice(0, keep);
    if (ready.length > 0) this.push(Buffer.from(ready, 'latin1'));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.pending.length > 0) this.push(Buffer.from(this.pending, 'latin1'));
    this.pending = '';
    callback();
  }
}
