/*
 * Latchkey as the proxy benchmarks measure it: the app on the embedded store (in memory), one
 * service in front of the bench upstream, an API token for it (read scope), and the connection as
 * a consent would leave it (an access token valid for a day), listening on loopback.
 * bench/proxy.ts hosts it in its own process; run as a script (argv[2]: the upstream origin) it is
 * the subject of bench/proxy-instructions.ts, with the bare proxy's handler mounted beside it, and
 * prints `{ "latchkey": url, "token": …, "bare": url }` as one JSON line once both listen.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { buildApp } from '../../packages/server/src/app.js';
import { createConfig } from '../../packages/server/src/config/load.js';
import { sealToken } from '../../packages/server/src/connections/secrets.js';
import { newId } from '../../packages/server/src/ids.js';
import { saveConnectionTokens } from '../../packages/server/src/store/connections.js';
import { openStore } from '../../packages/server/src/store/db.js';
import { bareHandler } from './bare-proxy.js';
import { benchDataDir } from './measure.js';

export interface LatchkeySubject {
  /** The listening origin (`http://127.0.0.1:port`); the service is under `/proxy/bench/`. */
  address: string;
  /** The API token, `Bearer` material. */
  token: string;
  close(): Promise<void>;
}

export async function startLatchkeySubject(upstreamUrl: string): Promise<LatchkeySubject> {
  const data = benchDataDir();
  const store = await openStore({ pgliteDir: 'memory://' });
  const config = createConfig(
    {
      dataDir: data.dir,
      log: { level: 'silent' },
      server: { host: '127.0.0.1', port: 0 },
      proxy: { rateLimit: { requestsPerSecond: 1e9, burst: 1_000_000 } },
      services: [
        {
          id: 'bench',
          name: 'Bench upstream',
          baseUrl: `${upstreamUrl}/`,
          connector: {
            type: 'oauth2',
            authorizationEndpoint: `${upstreamUrl}/authorize`,
            tokenEndpoint: `${upstreamUrl}/token`,
            clientId: 'bench',
          },
        },
      ],
    },
    {},
  );
  const { app, services } = await buildApp(config, { store });
  const close = async () => {
    await app.close();
    await store.close();
    data.cleanup();
  };
  try {
    const idp = (
      await app.inject({ method: 'POST', url: '/dev-idp/token', payload: { user: 'alice' } })
    ).json<{ access_token: string }>().access_token;
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/api-tokens',
      headers: { authorization: `Bearer ${idp}` },
      payload: { name: 'bench', services: ['bench'], permissions: ['read'], expiresInDays: 7 },
    });
    const token = created.json<{ token: string }>().token;
    const verified = await services.apiTokenVerifier.verify(token, '127.0.0.1');
    await store.db.transaction((tx) =>
      saveConnectionTokens(
        tx,
        { tenantId: verified.tenantId, userId: verified.user.id, serviceId: 'bench' },
        newId('con'),
        (rowId) => ({
          status: 'active',
          accessTokenEnc: sealToken(services.keyring, rowId, 'access_token', 'downstream-bench-token'),
          refreshTokenEnc: null,
          tokenType: 'Bearer',
          scopes: [],
          expiresAt: new Date(Date.now() + 86_400_000),
        }),
      ),
    );
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    return { address, token, close };
  } catch (err) {
    await close();
    throw err;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const upstream = process.argv[2];
  if (upstream === undefined) throw new Error('usage: latchkey-subject.ts <upstream origin>');
  const subject = await startLatchkeySubject(upstream);
  const bare = createServer(bareHandler(upstream));
  bare.keepAliveTimeout = 60_000;
  await new Promise<void>((done) => bare.listen(0, '127.0.0.1', done));
  const { port } = bare.address() as AddressInfo;
  process.stdout.write(
    `${JSON.stringify({ latchkey: `${subject.address}/proxy/bench`, token: subject.token, bare: `http://127.0.0.1:${port}` })}\n`,
  );
  process.once('SIGTERM', () => {
    bare.closeAllConnections();
    bare.close();
    void subject.close().then(() => process.exit(0));
  });
}
