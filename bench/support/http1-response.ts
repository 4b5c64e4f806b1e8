/*
 * Framing of one HTTP/1.1 response read from a keep-alive connection, for the open-loop generator
 * (bench/support/open-loop.ts). It finds where a response ends and its status, nothing more: the
 * generator never looks at a body or at most headers, and every field it does not parse is CPU it
 * does not take from the proxies it measures. Pure (no I/O) so a unit test can feed it a response
 * cut at every byte.
 *
 * Only bodies framed by Content-Length are read (RFC 9112 §6.3 item 6). The bench upstream always
 * sends one and both proxies pass it through, so chunked or close-delimited framing means the
 * target changed, and is reported as an error rather than half-supported.
 */

/** What feeding a chunk left: a response still incomplete, a complete one, or a framing error. */
export type FrameState = 'more' | 'done' | 'error';

/** Past this the header block is not a bench response; stops a runaway buffer. */
export const MAX_HEAD_BYTES = 64 * 1024;

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** The longest prefix of HEAD_END a chunk can end with while the rest is in the next chunk. */
const HEAD_END_OVERLAP = HEAD_END.length - 1;
/** Longer than Number.MAX_SAFE_INTEGER's 16 digits is not a length this bench can meet. */
const MAX_LENGTH_DIGITS = 15;

/**
 * Reads one response at a time, across any split into chunks. After `feed` returns 'done' or
 * 'error', call `reset` before the next response; after 'error' the connection's framing is lost
 * and the connection must be dropped.
 */
export class Http1ResponseFramer {
  /** The status code of the response read, once the head is in. */
  status = 0;
  /** False when the server said it will close the connection after this response. */
  keepAlive = true;
  /** Why framing failed, when `feed` returned 'error'. */
  error = '';
  /** Head bytes of an incomplete head, copied: a caller may reuse its read buffer. */
  private head: Buffer | undefined;
  private inBody = false;
  private bodyLeft = 0;

  /** Ready for the next response on the same connection. */
  reset(): void {
    this.status = 0;
    this.keepAlive = true;
    this.error = '';
    this.head = undefined;
    this.inBody = false;
    this.bodyLeft = 0;
  }

  /** Takes the next bytes read from the connection; keeps no reference to `chunk`. */
  feed(chunk: Uint8Array): FrameState {
    if (this.inBody) return this.takeBody(chunk.length);
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let from = 0;
    if (this.head !== undefined) {
      // The terminator may straddle the two pieces: search from just before the join.
      from = Math.max(0, this.head.length - HEAD_END_OVERLAP);
      bytes = Buffer.concat([this.head, bytes]);
      this.head = undefined;
    }
    const end = bytes.indexOf(HEAD_END, from);
    if (end < 0) {
      if (bytes.length > MAX_HEAD_BYTES) return this.fail(`header block over ${MAX_HEAD_BYTES} bytes`);
      this.head = Buffer.from(bytes);
      return 'more';
    }
    if (end > MAX_HEAD_BYTES) return this.fail(`header block over ${MAX_HEAD_BYTES} bytes`);
    // Latin-1: one char per byte, so offsets in the text are offsets in the bytes.
    const problem = this.readHead(bytes.toString('latin1', 0, end));
    if (problem !== undefined) return this.fail(problem);
    this.inBody = true;
    return this.takeBody(bytes.length - (end + HEAD_END.length));
  }

  private takeBody(length: number): FrameState {
    this.bodyLeft -= length;
    // Without pipelining nothing may follow a response before the next request is sent.
    if (this.bodyLeft < 0) return this.fail(`${-this.bodyLeft} bytes after the end of the response`);
    return this.bodyLeft === 0 ? 'done' : 'more';
  }

  private fail(reason: string): FrameState {
    this.error = reason;
    return 'error';
  }

  /** Status and body length from the head (status line and fields, without the blank line). */
  private readHead(head: string): string | undefined {
    // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
    const afterCode = head.charCodeAt(12);
    if (
      !head.startsWith('HTTP/1.') ||
      head.charCodeAt(8) !== 0x20 ||
      !isDigits(head, 9, 12) ||
      // SP before the reason; a few servers end the line right after an empty reason.
      !(afterCode === 0x20 || afterCode === 0x0d || Number.isNaN(afterCode))
    ) {
      return `not an HTTP/1.x status line: ${JSON.stringify(head.slice(0, 40))}`;
    }
    const minor = head.charCodeAt(7);
    this.status = Number(head.slice(9, 12));
    // A 1xx is an interim answer followed by the real one; a GET without `Expect` never gets one.
    if (this.status < 200) return `interim status ${this.status}`;
    // One lower-cased copy turns every name lookup into an indexOf (RFC 9110 §5.1: names are
    // case-insensitive). A name written with whitespace before its colon is not matched: RFC 9112
    // §5.1 forbids it, and a missing Content-Length fails below anyway.
    const lower = head.toLowerCase();
    const connection = fieldValue(lower, 'connection');
    // RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
    this.keepAlive =
      minor === 0x31
        ? connection === undefined || !connection.includes('close')
        : connection !== undefined && connection.includes('keep-alive');
    // RFC 9112 §6.3 item 1: these never carry a body, whatever their fields say.
    if (this.status === 204 || this.status === 304) {
      this.bodyLeft = 0;
      return undefined;
    }
    // RFC 9112 §6.3 item 3: Transfer-Encoding overrides Content-Length; not supported here.
    const coding = fieldValue(lower, 'transfer-encoding');
    if (coding !== undefined) return `Transfer-Encoding ${coding} instead of Content-Length`;
    return this.readContentLength(lower);
  }

  /** RFC 9112 §6.3 item 5: an invalid or conflicting Content-Length is unrecoverable. */
  private readContentLength(lower: string): string | undefined {
    const name = '\r\ncontent-length:';
    let at = lower.indexOf(name);
    if (at < 0) return 'no Content-Length (close-delimited body)';
    let length = -1;
    while (at >= 0) {
      const value = valueAt(lower, at + name.length);
      if (value.length === 0 || value.length > MAX_LENGTH_DIGITS || !isDigits(value, 0, value.length)) {
        return `invalid Content-Length: ${JSON.stringify(value)}`;
      }
      const n = Number(value);
      if (length >= 0 && n !== length) return `conflicting Content-Length: ${length} and ${n}`;
      length = n;
      at = lower.indexOf(name, at + name.length);
    }
    this.bodyLeft = length;
    return undefined;
  }
}

/** The value of the first field `name` in a lower-cased head, OWS trimmed; undefined when absent. */
function fieldValue(lower: string, name: string): string | undefined {
  const key = `\r\n${name}:`;
  const at = lower.indexOf(key);
  return at < 0 ? undefined : valueAt(lower, at + key.length);
}

/** The field value starting at `start` up to the end of its line, OWS (SP / HTAB) trimmed. */
function valueAt(head: string, start: number): string {
  let end = head.indexOf('\r\n', start);
  if (end < 0) end = head.length;
  let from = start;
  while (from < end && isOws(head.charCodeAt(from))) from += 1;
  while (end > from && isOws(head.charCodeAt(end - 1))) end -= 1;
  return head.slice(from, end);
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Whether `text[from..to)` is ASCII digits only (and not empty). */
function isDigits(text: string, from: number, to: number): boolean {
  if (to <= from || to > text.length) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
