import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
} from 'jose';
import Provider, { errors as oidcErrors, type Configuration } from 'oidc-provider';

/** One RS256 signing key of the peer IdP. */
export interface PeerKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Private JWK (with kid, alg, use), as handed to the provider's `jwks`. */
  privateJwk: JWK & { kid: string };
}

/** A real OIDC provider listening on loopback, acting as an external IdP for tests. */
export interface OidcPeer {
  /** `http://127.0.0.1:<port>`, exactly as its discovery document states it. */
  issuer: string;
  /** The key the provider signs with now (the newest after a rotation). */
  currentKey(): PeerKey;
  /** How many requests the JWKS endpoint has answered: proves a verifier (re)fetched the keys. */
  jwksRequests(): number;
  /**
   * Claims of a token the verifier should accept: this issuer, `aud` latchkey, 5 minutes left.
   * Spread and override them to build every invalid variant.
   */
  validClaims(overrides?: JWTPayload): JWTPayload;
  /** Signs exactly `payload` (nothing added) with the current key, or `options.key`. */
  sign(
    payload: JWTPayload,
    options?: { key?: PeerKey; header?: Partial<JWTHeaderParameters> },
  ): Promise<string>;
  /**
   * An access token minted by the provider itself: client_credentials grant with a resource
   * indicator (RFC 8707), which makes oidc-provider issue an RFC 9068 JWT whose `aud` is `audience`.
   */
  clientCredentialsToken(audience?: string): Promise<string>;
  /**
   * Rotates the signing key: a new provider instance with the same issuer takes over the same
   * socket, signing with a new key (new kid) and still publishing the old one (overlap), as an
   * IdP restarted with a rotated keystore does. oidc-provider has no API to change the keystore
   * of a live instance, hence the swap.
   */
  rotateKey(): Promise<PeerKey>;
  close(): Promise<void>;
}

/** The confidential client the peer knows, allowed the client_credentials grant. */
export const PEER_CLIENT = { id: 'latchkey-tests', secret: randomBytes(24).toString('base64url') } as const;

const RESOURCE_PREFIX = 'urn:latchkey-test:audience:';

/** A fresh RS256 key pair with a kid, extractable so the provider can take the private JWK. */
export async function generatePeerKey(kid = `peer-${randomBytes(6).toString('hex')}`): Promise<PeerKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', {
    extractable: true,
    modulusLength: 2048,
  });
  const jwk = await exportJWK(privateKey);
  return { kid, privateKey, publicKey, privateJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

function createProvider(issuer: string, keys: readonly PeerKey[], audiences: readonly string[]): Provider {
  const configuration: Configuration = {
    clients: [
      {
        client_id: PEER_CLIENT.id,
        client_secret: PEER_CLIENT.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    // The first key signs; the others stay published (rotation overlap).
    jwks: { keys: keys.map((k) => k.privateJwk) },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        defaultResource: () => `${RESOURCE_PREFIX}${audiences[0] ?? 'latchkey'}`,
        getResourceServerInfo: (_ctx, resource) => {
          const audience = resource.startsWith(RESOURCE_PREFIX) ? resource.slice(RESOURCE_PREFIX.length) : '';
          if (!audiences.includes(audience)) throw new oidcErrors.InvalidTarget();
          return {
            scope: 'api',
            audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 300,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  };
  return new Provider(issuer, configuration);
}

/**
 * Starts a real oidc-provider on 127.0.0.1, port 0. The socket listens first so the issuer can
 * name the port the kernel picked; the provider is then built with that issuer.
 */
export async function startOidcPeer(options: { audiences?: readonly string[] } = {}): Promise<OidcPeer> {
  const audiences = options.audiences ?? ['latchkey', 'latchkey-operator'];
  let handle: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  let jwksHits = 0;
  const server = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://peer').pathname === '/jwks') jwksHits += 1;
    if (handle === undefined) {
      res.statusCode = 503;
      res.end();
      return;
    }
    // Koa answers its own errors; nothing is left to await here.
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  let keys: PeerKey[] = [await generatePeerKey()];
  handle = createProvider(issuer, keys, audiences).callback();

  const current = (): PeerKey => {
    const key = keys[0];
    if (key === undefined) throw new Error('the peer has no key');
    return key;
  };

  return {
    issuer,
    currentKey: current,
    jwksRequests: () => jwksHits,
    validClaims(overrides = {}) {
      const now = Math.floor(Date.now() / 1000);
      return { iss: issuer, sub: 'peer-user', aud: 'latchkey', iat: now, exp: now + 300, ...overrides };
    },
    async sign(payload, signOptions = {}) {
      const key = signOptions.key ?? current();
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt', ...signOptions.header })
        .sign(key.privateKey);
    },
    async clientCredentialsToken(audience = audiences[0] ?? 'latchkey') {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${PEER_CLIENT.id}:${PEER_CLIENT.secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          resource: `${RESOURCE_PREFIX}${audience}`,
          scope: 'api',
        }),
      });
      const body = (await res.json()) as { access_token?: unknown; error?: unknown };
      if (res.status !== 200 || typeof body.access_token !== 'string') {
        throw new Error(`the peer refused client_credentials: ${res.status} ${JSON.stringify(body.error)}`);
      }
      return body.access_token;
    },
    async rotateKey() {
      const next = await generatePeerKey();
      keys = [next, ...keys];
      handle = createProvider(issuer, keys, audiences).callback();
      return next;
    },
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
