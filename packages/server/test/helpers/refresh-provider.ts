import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the token endpoint does with the next refresh requests. */
export type ProviderMode =
  | { kind: 'ok' }
  /** Answers after `ms`; a client that hangs up meanwhile has exchanged nothing. */
  | { kind: 'slow'; ms: number }
  /** Holds every request until `release()`; a client that hangs up meanwhile exchanged nothing. */
  | { kind: 'hold' }
  | { kind: 'status'; status: 429 | 500 | 503; retryAfter?: string }
  /** Refuses every grant (the user revoked Latchkey's access at the provider). */
  | { kind: 'invalid_grant' };

interface Grant {
  id: string;
  revoked: boolean;
  /** The one refresh token that is valid now; earlier ones are spent. */
  live: string;
  refreshes: number;
}

/**
 * A protocol-faithful OAuth 2.0 token endpoint on loopback (RFC 6749 §6) that rotates refresh
 * tokens and detects reuse as RFC 9700 §4.14.2 prescribes: presenting a spent refresh token
 * revokes the whole grant. It counts every refresh request it receives, so tests count at the
 * provider, not in Latchkey. The exchange commits only when the answer is written, as a provider
 * whose token write and response share one request does: a caller killed mid-request leaves the
 * grant as it was.
 */
export class RefreshProvider {
  readonly clientId = 'latchkey-refresh-tests';
  readonly clientSecret = randomBytes(16).toString('hex');
  mode: ProviderMode = { kind: 'ok' };
  /** Access token lifetime handed out (`expires_in`). */
  expiresIn = 3600;
  /** Refresh requests received, whatever their outcome. */
  requests = 0;
  /** Most refresh requests ever in progress at once (a slow provider makes overlap visible). */
  maxInFlight = 0;
  #inFlight = 0;
  /** Requests waiting in `hold` mode. */
  held = 0;
  #releases: (() => void)[] = [];
  /** Grants revoked because a spent refresh token came back (must stay 0 for Latchkey). */
  reuseDetected = 0;
  readonly #grants = new Map<string, Grant>();
  readonly #byToken = new Map<string, Grant>();
  #server: Server | undefined;
  url = '';

  async start(port = 0): Promise<void> {
    this.#server = createServer((req, res) => {
      void this.#handle(req, res);
    });
    await new Promise<void>((done) => this.#server?.listen(port, '127.0.0.1', done));
    const { port: bound } = this.#server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${bound}`;
  }

  /** Stops listening (the provider is "down": connections are refused). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((done) =>
      server.close(() => {
        done();
      }),
    );
  }

  /** Lets every held request go on. */
  release(): void {
    const releases = this.#releases;
    this.#releases = [];
    for (const go of releases) go();
  }

  /** Issues a grant as a completed consent would, returning its first tokens. */
  grant(): { refreshToken: string; accessToken: string } {
    const id = randomBytes(8).toString('hex');
    const refreshToken = `rt-${id}-0`;
    const grant: Grant = { id, revoked: false, live: refreshToken, refreshes: 0 };
    this.#grants.set(id, grant);
    this.#byToken.set(refreshToken, grant);
    return { refreshToken, accessToken: `at-${id}-0` };
  }

  /** True when `refreshToken` is the live one of a grant that still stands. */
  accepts(refreshToken: string): boolean {
    const grant = this.#byToken.get(refreshToken);
    return grant !== undefined && !grant.revoked && grant.live === refreshToken;
  }

  /** Refreshes the provider performed (committed), over all grants. */
  get refreshes(): number {
    let n = 0;
    for (const g of this.#grants.values()) n += g.refreshes;
    return n;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    if (req.method !== 'POST' || req.url !== '/token') {
      this.#send(res, 404, { error: 'not_found' });
      return;
    }
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'refresh_token') {
      this.#send(res, 400, { error: 'unsupported_grant_type' });
      return;
    }
    this.requests++;
    // RFC 6749 §2.3.1: client_secret_basic, id and secret form-urlencoded before base64.
    const [scheme, value] = (req.headers.authorization ?? '').split(' ');
    const [id, secret] = Buffer.from(value ?? '', 'base64')
      .toString('utf8')
      .split(':')
      .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
    if (scheme !== 'Basic' || id !== this.clientId || secret !== this.clientSecret) {
      this.#send(res, 401, { error: 'invalid_client' });
      return;
    }

    this.#inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    try {
      await this.#refresh(req, res, form);
    } finally {
      this.#inFlight--;
    }
  }

  async #refresh(req: IncomingMessage, res: ServerResponse, form: URLSearchParams): Promise<void> {
    const mode = this.mode;
    if (mode.kind === 'status') {
      this.#send(
        res,
        mode.status,
        { error: 'temporarily_unavailable' },
        mode.retryAfter === undefined ? {} : { 'retry-after': mode.retryAfter },
      );
      return;
    }
    if (mode.kind === 'hold') {
      this.held++;
      const hungUp = await new Promise<boolean>((done) => {
        this.#releases.push(() => {
          done(false);
        });
        res.once('close', () => {
          done(!res.writableFinished);
        });
      });
      this.held--;
      if (hungUp) return;
    }
    if (mode.kind === 'slow') {
      const hungUp = await new Promise<boolean>((done) => {
        const timer = setTimeout(() => {
          done(false);
        }, mode.ms);
        res.once('close', () => {
          clearTimeout(timer);
          done(!res.writableFinished);
        });
      });
      if (hungUp) return;
    }
    const presented = form.get('refresh_token') ?? '';
    const grant = this.#byToken.get(presented);
    if (grant === undefined || grant.revoked || mode.kind === 'invalid_grant') {
      this.#send(res, 400, { error: 'invalid_grant' });
      return;
    }
    if (grant.live !== presented) {
      // RFC 9700 §4.14.2: a spent refresh token presented again — revoke the grant.
      grant.revoked = true;
      this.reuseDetected++;
      this.#send(res, 400, { error: 'invalid_grant' });
      return;
    }
    grant.refreshes++;
    const next = `rt-${grant.id}-${grant.refreshes}`;
    grant.live = next;
    this.#byToken.set(next, grant);
    this.#send(res, 200, {
      access_token: `at-${grant.id}-${grant.refreshes}`,
      token_type: 'Bearer',
      expires_in: this.expiresIn,
      refresh_token: next,
      scope: 'files',
    });
  }

  #send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  }
}
