import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { errors as oidcErrors, type ClientMetadata } from 'oidc-provider';
import { generatePeerKey } from './oidc-peer.js';

/** Resource indicators (RFC 8707) the peer knows, and the `aud` of the JWT access tokens for each. */
export const PEER_RESOURCES = {
  api: { resource: 'https://api.peer.test/', audience: 'peer-api' },
  other: { resource: 'https://other.peer.test/', audience: 'other-api' },
} as const;

export const PEER_CLIENTS = {
  basic: { id: 'lk-basic', secret: randomBytes(24).toString('base64url') },
  post: { id: 'lk-post', secret: randomBytes(24).toString('base64url') },
  public: { id: 'lk-public' },
} as const;

/**
 * A real authorization server (oidc-provider) on loopback for the connector tests: authorization
 * code + PKCE, refresh (rotating), RFC 7009 revocation, RFC 8707 resources minting RFC 9068 JWTs,
 * RFC 7591/7592 dynamic registration, and an interaction page (pick a user, Allow or Deny) that a
 * test can drive with plain HTTP or a real browser.
 */
export interface OAuthPeer {
  issuer: string;
  /** Requests the peer answered, by path, to prove what a connector called. */
  calls: string[];
  close(): Promise<void>;
}

function form(uid: string, client: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Consent — peer</title></head>
<body><h1>${client} asks for access</h1>
<form method="post" action="/interaction/${uid}">
<label>User <input name="user" value="peer-user"></label>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form></body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startOAuthPeer(options: { redirectUris: string[] }): Promise<OAuthPeer> {
  // Built once the socket listens (the issuer names the port); requests before that get 503.
  const peer: { provider?: Provider } = {};
  const calls: string[] = [];
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://peer');
    calls.push(`${req.method ?? 'GET'} ${url.pathname}`);
    const provider = peer.provider;
    if (provider === undefined) {
      res.statusCode = 503;
      res.end();
      return;
    }
    const match = /^\/interaction\/([^/]+)$/.exec(url.pathname);
    try {
      if (match !== null && req.method === 'GET') {
        const details = await provider.interactionDetails(req, res);
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(form(details.uid, String(details.params.client_id)));
        return;
      }
      if (match !== null && req.method === 'POST') {
        const details = await provider.interactionDetails(req, res);
        const body = await readForm(req);
        if (body.get('decision') !== 'allow') {
          await provider.interactionFinished(
            req,
            res,
            { error: 'access_denied', error_description: 'the user declined' },
            { mergeWithLastSubmission: false },
          );
          return;
        }
        const accountId = body.get('user') ?? 'peer-user';
        const clientId = String(details.params.client_id);
        const grant = new provider.Grant({ accountId, clientId });
        const scope = typeof details.params.scope === 'string' ? details.params.scope : '';
        grant.addOIDCScope(scope);
        if (typeof details.params.resource === 'string')
          grant.addResourceScope(details.params.resource, scope);
        const grantId = await grant.save();
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      await provider.callback()(req, res);
    } catch {
      res.statusCode = 500;
      res.end();
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = await generatePeerKey();
  const common: Partial<ClientMetadata> = {
    redirect_uris: options.redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };
  peer.provider = new Provider(issuer, {
    clients: [
      { ...common, client_id: PEER_CLIENTS.basic.id, client_secret: PEER_CLIENTS.basic.secret },
      {
        ...common,
        client_id: PEER_CLIENTS.post.id,
        client_secret: PEER_CLIENTS.post.secret,
        token_endpoint_auth_method: 'client_secret_post',
      },
      { ...common, client_id: PEER_CLIENTS.public.id, token_endpoint_auth_method: 'none' },
    ],
    jwks: { keys: [key.privateJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'api'],
    rotateRefreshToken: true,
    // Refresh tokens for every client allowed the grant, with or without offline_access (plain OAuth 2.0).
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      registration: { enabled: true },
      registrationManagement: { enabled: true },
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          const server = Object.values(PEER_RESOURCES).find((r) => r.resource === indicator);
          if (server === undefined) throw new oidcErrors.InvalidTarget();
          return {
            scope: 'api',
            audience: server.audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 600,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
  });
  return {
    issuer,
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
