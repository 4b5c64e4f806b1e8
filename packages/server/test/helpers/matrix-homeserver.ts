import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small homeserver that follows the Matrix client-server API (v1.x) for exactly what the
 * matrix-sso connector uses — nothing else is implemented:
 * - `GET /_matrix/client/v3/login` lists the flows (`m.login.sso`, `m.login.token`);
 * - `GET /_matrix/client/v3/login/sso/redirect?redirectUrl=…` (§SSO client login): the SSO
 *   provider's own pages are skipped (the user is `@peer:localhost`); the browser is sent to
 *   `redirectUrl` with a single-use `loginToken` query parameter appended;
 * - `POST /_matrix/client/v3/login` with `m.login.token` and `refresh_token: true` (§Login):
 *   access token, refresh token, `expires_in_ms`, device id; a bad token is 403 `M_FORBIDDEN`;
 * - `POST /_matrix/client/v3/refresh` (§Refreshing access tokens): rotates both tokens, the old
 *   refresh token dies; an unknown one is 401 `M_UNKNOWN_TOKEN`;
 * - `POST /_matrix/client/v3/logout` (§Logout): invalidates the access token and its device;
 * - `GET /_matrix/client/v3/account/whoami`: who an access token belongs to (for assertions).
 */
export interface MatrixHomeserver {
  url: string;
  calls: string[];
  close(): Promise<void>;
}

interface Device {
  deviceId: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
}

const USER = '@peer:localhost';
const LIFETIME_MS = 300_000;

export async function startMatrixHomeserver(): Promise<MatrixHomeserver> {
  const loginTokens = new Map<string, number>();
  const devices: Device[] = [];
  const calls: string[] = [];
  const token = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`;

  function send(res: ServerResponse, status: number, body: unknown): void {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  }
  async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  function bearer(req: IncomingMessage): Device | undefined {
    const value = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return devices.find((d) => d.accessToken === value);
  }
  function issue(device: Device): Record<string, unknown> {
    return {
      user_id: device.userId,
      device_id: device.deviceId,
      access_token: device.accessToken,
      refresh_token: device.refreshToken,
      expires_in_ms: LIFETIME_MS,
    };
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://hs');
      calls.push(`${req.method ?? 'GET'} ${url.pathname}`);
      const path = url.pathname;
      if (req.method === 'GET' && path === '/_matrix/client/v3/login') {
        send(res, 200, { flows: [{ type: 'm.login.sso' }, { type: 'm.login.token' }] });
      } else if (req.method === 'GET' && path.startsWith('/_matrix/client/v3/login/sso/redirect')) {
        const redirectUrl = url.searchParams.get('redirectUrl');
        if (redirectUrl === null) {
          send(res, 400, { errcode: 'M_MISSING_PARAM', error: 'redirectUrl' });
          return;
        }
        const login = token('lt');
        loginTokens.set(login, Date.now() + 120_000);
        const back = new URL(redirectUrl);
        back.searchParams.set('loginToken', login);
        res.statusCode = 302;
        res.setHeader('location', back.href);
        res.end();
      } else if (req.method === 'POST' && path === '/_matrix/client/v3/login') {
        const body = await json(req);
        const expires = typeof body.token === 'string' ? loginTokens.get(body.token) : undefined;
        if (body.type !== 'm.login.token' || expires === undefined || expires < Date.now()) {
          {
            send(res, 403, { errcode: 'M_FORBIDDEN', error: 'Invalid login token' });
            return;
          }
        }
        loginTokens.delete(body.token as string);
        const device: Device = {
          deviceId: randomBytes(5).toString('hex').toUpperCase(),
          userId: USER,
          accessToken: token('syt'),
          refreshToken: token('syr'),
        };
        devices.push(device);
        const answer = issue(device);
        if (body.refresh_token !== true) delete answer.refresh_token;
        send(res, 200, answer);
      } else if (req.method === 'POST' && path === '/_matrix/client/v3/refresh') {
        const body = await json(req);
        const device = devices.find((d) => d.refreshToken === body.refresh_token);
        if (device === undefined) {
          send(res, 401, {
            errcode: 'M_UNKNOWN_TOKEN',
            error: 'Unknown refresh token',
            soft_logout: false,
          });
          return;
        }
        device.accessToken = token('syt');
        device.refreshToken = token('syr');
        const { access_token, refresh_token, expires_in_ms } = issue(device);
        send(res, 200, { access_token, refresh_token, expires_in_ms });
      } else if (req.method === 'POST' && path === '/_matrix/client/v3/logout') {
        const device = bearer(req);
        if (device === undefined) {
          send(res, 401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Unknown access token' });
          return;
        }
        devices.splice(devices.indexOf(device), 1);
        send(res, 200, {});
      } else if (req.method === 'GET' && path === '/_matrix/client/v3/account/whoami') {
        const device = bearer(req);
        if (device === undefined) {
          send(res, 401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Unknown access token' });
          return;
        }
        send(res, 200, { user_id: device.userId, device_id: device.deviceId });
      } else {
        send(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
      }
      return undefined;
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err === undefined) resolve();
          else reject(err);
        });
        server.closeAllConnections();
      }),
  };
}
