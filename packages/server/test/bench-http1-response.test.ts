import { describe, expect, it } from 'vitest';
import { Http1ResponseFramer, MAX_HEAD_BYTES } from '../../../bench/support/http1-response.js';

const latin1 = (text: string) => Buffer.from(text, 'latin1');

/** As recorded from the bench upstream (bench/support/proxy-upstream.ts) on node:http, body cut. */
const HEAD =
  'HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 37\r\n' +
  'Date: Fri, 04 Dec 2026 19:52:37 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n';
const BODY = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const RECORDED = latin1(HEAD + BODY);

/** Every state `feed` returns for `pieces`, in order. */
function feedAll(framer: Http1ResponseFramer, pieces: readonly Uint8Array[]): string[] {
  return pieces.map((p) => framer.feed(p));
}

function response(head: string, body = ''): Buffer {
  return latin1(`${head}\r\n\r\n${body}`);
}

describe('HTTP/1.1 response framing by Content-Length (RFC 9112 §6.3)', () => {
  it('reads a whole response in one chunk: status 200, connection kept', () => {
    const framer = new Http1ResponseFramer();
    expect(framer.feed(RECORDED)).toBe('done');
    expect(framer.status).toBe(200);
    expect(framer.keepAlive).toBe(true);
  });

  it('ends the response at its last byte wherever TCP splits it in two', () => {
    for (let cut = 0; cut < RECORDED.length; cut++) {
      const framer = new Http1ResponseFramer();
      const states = feedAll(framer, [RECORDED.subarray(0, cut), RECORDED.subarray(cut)]);
      expect(states, `cut at ${cut}`).toEqual(['more', 'done']);
      expect(framer.status, `cut at ${cut}`).toBe(200);
    }
  });

  it('ends the response at its last byte when it arrives one byte at a time', () => {
    const framer = new Http1ResponseFramer();
    const states = feedAll(
      framer,
      Array.from(RECORDED, (_, i) => RECORDED.subarray(i, i + 1)),
    );
    expect(states.slice(0, -1).every((s) => s === 'more')).toBe(true);
    expect(states.at(-1)).toBe('done');
    expect(framer.status).toBe(200);
  });

  it('keeps no reference to a chunk: a read buffer reused for the next read does not corrupt the head', () => {
    const framer = new Http1ResponseFramer();
    const readBuffer = Buffer.alloc(RECORDED.length);
    const cut = HEAD.indexOf('content-length') + 5;
    RECORDED.copy(readBuffer, 0, 0, cut);
    expect(framer.feed(readBuffer.subarray(0, cut))).toBe('more');
    readBuffer.fill(0x7a);
    const rest = RECORDED.length - cut;
    RECORDED.copy(readBuffer, 0, cut);
    expect(framer.feed(readBuffer.subarray(0, rest))).toBe('done');
    expect(framer.status).toBe(200);
  });

  it('reads the next response on the same connection after reset', () => {
    const framer = new Http1ResponseFramer();
    expect(framer.feed(RECORDED)).toBe('done');
    framer.reset();
    expect(framer.feed(response('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2', 'no'))).toBe('done');
    expect(framer.status).toBe(503);
  });

  it('frames a non-2xx answer and reports its status (the generator counts it as an error)', () => {
    for (const status of [301, 404, 500, 502]) {
      const framer = new Http1ResponseFramer();
      expect(framer.feed(response(`HTTP/1.1 ${status} X\r\ncontent-length: 3`, 'abc'))).toBe('done');
      expect(framer.status).toBe(status);
    }
  });

  it('reads field names in any case and trims whitespace around the value (RFC 9110 §5.1, §5.5)', () => {
    for (const field of ['CONTENT-LENGTH: 3', 'Content-Length:3', 'content-length: \t3 \t']) {
      const framer = new Http1ResponseFramer();
      expect(framer.feed(response(`HTTP/1.1 200 OK\r\n${field}`, 'abc')), field).toBe('done');
    }
  });

  it('takes a body of 0 bytes as complete at the end of the head', () => {
    const framer = new Http1ResponseFramer();
    expect(framer.feed(response('HTTP/1.1 200 OK\r\ncontent-length: 0'))).toBe('done');
  });

  it('takes 204 and 304 as bodiless without a Content-Length (RFC 9112 §6.3 item 1)', () => {
    for (const status of [204, 304]) {
      const framer = new Http1ResponseFramer();
      expect(framer.feed(response(`HTTP/1.1 ${status} X\r\ndate: now`))).toBe('done');
      expect(framer.status).toBe(status);
    }
  });

  it('refuses a chunked body (the bench upstream and both proxies send Content-Length)', () => {
    const framer = new Http1ResponseFramer();
    expect(
      framer.feed(response('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked', '3\r\nabc\r\n0\r\n\r\n')),
    ).toBe('error');
    expect(framer.error).toMatch(/Transfer-Encoding chunked/);
  });

  it('refuses Transfer-Encoding even next to a Content-Length (RFC 9112 §6.3 item 3)', () => {
    const framer = new Http1ResponseFramer();
    const head = 'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked';
    expect(framer.feed(response(head, 'abc'))).toBe('error');
  });

  it('refuses a body without Content-Length (close-delimited)', () => {
    const framer = new Http1ResponseFramer();
    expect(framer.feed(response('HTTP/1.1 200 OK\r\nconnection: close', 'abc'))).toBe('error');
    expect(framer.error).toMatch(/no Content-Length/);
  });

  it('refuses an invalid or conflicting Content-Length, accepts a repeated equal one (RFC 9112 §6.3 item 5)', () => {
    for (const value of ['', '3a', '-3', '+3', '3, 3', '1234567890123456']) {
      const framer = new Http1ResponseFramer();
      expect(framer.feed(response(`HTTP/1.1 200 OK\r\ncontent-length: ${value}`, 'abc')), value).toBe(
        'error',
      );
    }
    const conflicting = new Http1ResponseFramer();
    expect(
      conflicting.feed(response('HTTP/1.1 200 OK\r\ncontent-length: 3\r\ncontent-length: 4', 'abc')),
    ).toBe('error');
    const repeated = new Http1ResponseFramer();
    expect(repeated.feed(response('HTTP/1.1 200 OK\r\ncontent-length: 3\r\nContent-Length: 3', 'abc'))).toBe(
      'done',
    );
  });

  it('refuses bytes after the end of the response (nothing is pipelined)', () => {
    const twice = new Http1ResponseFramer();
    expect(twice.feed(Buffer.concat([RECORDED, RECORDED]))).toBe('error');
    expect(twice.error).toMatch(/after the end of the response/);
    const late = new Http1ResponseFramer();
    const cut = RECORDED.length - 5;
    expect(late.feed(RECORDED.subarray(0, cut))).toBe('more');
    expect(late.feed(Buffer.concat([RECORDED.subarray(cut), latin1('X')]))).toBe('error');
  });

  it('refuses what is not an HTTP/1.x final status line', () => {
    for (const head of [
      'HTTP/2 200 OK',
      'HTTP/1.1 2000 OK',
      'HTTP/1.1 20 OK',
      'SSH-2.0-OpenSSH',
      'HTTP/1.1 100 Continue',
    ]) {
      const framer = new Http1ResponseFramer();
      expect(framer.feed(response(`${head}\r\ncontent-length: 0`)), head).toBe('error');
    }
  });

  it('refuses a header block that never ends instead of buffering without bound', () => {
    const framer = new Http1ResponseFramer();
    const filler = latin1(`x-filler: ${'f'.repeat(1_000)}\r\n`);
    let state = framer.feed(latin1('HTTP/1.1 200 OK\r\n'));
    let fed = 0;
    while (state === 'more' && fed <= MAX_HEAD_BYTES * 2) {
      state = framer.feed(filler);
      fed += filler.length;
    }
    expect(state).toBe('error');
    expect(fed).toBeLessThanOrEqual(MAX_HEAD_BYTES + filler.length);
  });

  it('knows when the server will close: "Connection: close", or HTTP/1.0 without keep-alive (RFC 9112 §9.3)', () => {
    const keeps = (head: string) => {
      const framer = new Http1ResponseFramer();
      expect(framer.feed(response(`${head}\r\ncontent-length: 0`))).toBe('done');
      return framer.keepAlive;
    };
    expect(keeps('HTTP/1.1 200 OK\r\nConnection: close')).toBe(false);
    expect(keeps('HTTP/1.1 200 OK\r\nConnection: keep-alive')).toBe(true);
    expect(keeps('HTTP/1.1 200 OK')).toBe(true);
    expect(keeps('HTTP/1.0 200 OK')).toBe(false);
    expect(keeps('HTTP/1.0 200 OK\r\nConnection: Keep-Alive')).toBe(true);
  });
});
