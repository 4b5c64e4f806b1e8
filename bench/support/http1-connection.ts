/*
 * One keep-alive HTTP/1.1 connection on raw `node:net` for the open-loop generator
 * (bench/support/open-loop.ts): it writes the same pre-built request bytes each time and frames
 * the answer with Http1ResponseFramer. A client library (undici) spends about as much CPU per
 * request as the bare proxy being measured, and on a 2-core machine the generator, the upstream
 * and the proxy share the cores; this does the least a client can.
 */
import { connect, type Socket } from 'node:net';
import { Http1ResponseFramer } from './http1-response.js';

/** Status of a request that got no complete, well-framed answer. */
export const FAILED = 0;

/** Told when a request ends: its tag, and its status code or FAILED. */
export type SettleListener = (connection: Http1Connection, tag: number, status: number) => void;

/** Where a connection goes, and the request it sends. */
export interface Http1Target {
  host: string;
  port: number;
  /** The whole request, from `encodeGet`; written as is for every request. */
  request: Buffer;
}

/** Bytes read per `read(2)`: a 1 KiB answer in one read, reused for every read on the socket. */
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * `GET` of `url` with `headers` as HTTP/1.1 bytes, built once per run. Throws on a value that
 * would split the request (RFC 9110 §5.5: CR and LF are not allowed in a field value).
 */
export function encodeGet(url: URL, headers: Readonly<Record<string, string>>): Buffer {
  let text = `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'host') continue;
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value) || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new Error(`open-loop: header ${JSON.stringify(name)} cannot be sent as given`);
    }
    text += `${name}: ${value}\r\n`;
  }
  return Buffer.from(`${text}\r\n`, 'latin1');
}

/**
 * A connection carrying at most one request at a time (no pipelining: a slow answer holds only
 * its own connection). It connects on the first `send` and again after the server closed it or
 * an answer could not be framed, so a dead target costs one failed request per `send`, not a
 * reconnect loop.
 */
export class Http1Connection {
  private socket: Socket | undefined;
  private readonly framer = new Http1ResponseFramer();
  /** Tag of the request in flight; -1 when idle. Tags are the caller's, any number ≥ 0. */
  private tag = -1;
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);

  constructor(
    private readonly target: Http1Target,
    private readonly onSettle: SettleListener,
  ) {}

  /** Whether a request is in flight. */
  get busy(): boolean {
    return this.tag >= 0;
  }

  /** Sends the target's request; `onSettle` is called once with `tag` when it ends. */
  send(tag: number): void {
    if (this.tag >= 0) throw new Error('Http1Connection: a request is already in flight');
    if (tag < 0) throw new Error('Http1Connection: tags are ≥ 0');
    this.tag = tag;
    this.framer.reset();
    (this.socket ?? this.open()).write(this.target.request);
  }

  /** Drops the connection; a request in flight is settled as FAILED. */
  close(): void {
    this.drop();
    this.settle(FAILED);
  }

  private open(): Socket {
    const socket = connect({
      host: this.target.host,
      port: this.target.port,
      noDelay: true,
      // Reads land in one buffer per socket instead of a new Buffer per read.
      onread: {
        buffer: this.readBuffer,
        callback: (length, buffer) => {
          if (socket === this.socket) this.read(buffer.subarray(0, length));
          return true;
        },
      },
    });
    // Handlers check that the socket is still this connection's: a dropped socket's late
    // 'close' must not fail the request that a new socket now carries.
    const lost = () => {
      if (socket !== this.socket) return;
      this.drop();
      this.settle(FAILED);
    };
    socket.on('error', lost);
    socket.on('close', lost);
    socket.on('end', lost);
    this.socket = socket;
    return socket;
  }

  private read(bytes: Uint8Array): void {
    // Bytes while idle are no answer to anything: the framing is lost.
    if (this.tag < 0) {
      this.drop();
      return;
    }
    const state = this.framer.feed(bytes);
    if (state === 'more') return;
    if (state === 'error') {
      this.drop();
      this.settle(FAILED);
      return;
    }
    // Dropped before settling: the listener may send again on this connection at once.
    if (!this.framer.keepAlive) this.drop();
    this.settle(this.framer.status);
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }

  private settle(status: number): void {
    const tag = this.tag;
    if (tag < 0) return;
    this.tag = -1;
    this.onSettle(this, tag, status);
  }
}
