import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../packages/server/src/app.js';
import { createConfig } from '../../packages/server/src/config/load.js';
import type { AppServices } from '../../packages/server/src/services.js';
import type { Store } from '../../packages/server/src/store/db.js';
import { benchDataDir } from './measure.js';

/** An in-process app (development mode, silent) on `store`, with alice signed up. */
export interface BenchApp {
  app: FastifyInstance;
  services: AppServices;
  /** alice's IdP access token, minted by this app's development IdP. */
  alice: string;
  close: () => Promise<void>;
}

export async function benchApp(store: Store): Promise<BenchApp> {
  const data = benchDataDir();
  const config = createConfig(
    { dataDir: data.dir, log: { level: 'silent' }, server: { host: '127.0.0.1', port: 0 } },
    {},
  );
  const { app, services } = await buildApp(config, { store });
  const minted = await app.inject({ method: 'POST', url: '/dev-idp/token', payload: { user: 'alice' } });
  const alice = minted.json<{ access_token: string }>().access_token;
  // First sight of a demo user creates them and their membership.
  const me = await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${alice}` } });
  if (me.statusCode !== 200) throw new Error(`alice cannot sign in: ${me.body}`);
  return {
    app,
    services,
    alice,
    close: async () => {
      await app.close();
      data.cleanup();
    },
  };
}

/** A token minted through the API, as alice would: its secret and id. */
export interface MintedToken {
  token: string;
  id: string;
}

let minted = 0;

/** Mints `n` API tokens for alice through `POST /api/v1/api-tokens`, a few at a time. */
export async function mintTokens(target: BenchApp, n: number): Promise<MintedToken[]> {
  const out: MintedToken[] = [];
  const one = async (): Promise<MintedToken> => {
    minted += 1;
    const res = await target.app.inject({
      method: 'POST',
      url: '/api/v1/api-tokens',
      headers: { authorization: `Bearer ${target.alice}` },
      payload: { name: `bench ${minted}`, services: ['*'], permissions: ['read'], expiresInDays: 7 },
    });
    if (res.statusCode !== 201) throw new Error(`cannot mint a token: ${res.body}`);
    const body = res.json<{ token: string; apiToken: { id: string } }>();
    return { token: body.token, id: body.apiToken.id };
  };
  while (out.length < n) {
    const batch = Math.min(8, n - out.length);
    out.push(...(await Promise.all(Array.from({ length: batch }, one))));
  }
  return out;
}

/** Revokes a token through `DELETE /api/v1/api-tokens/{id}`; resolves once it is committed. */
export async function revokeToken(target: BenchApp, id: string): Promise<void> {
  const res = await target.app.inject({
    method: 'DELETE',
    url: `/api/v1/api-tokens/${id}`,
    headers: { authorization: `Bearer ${target.alice}` },
  });
  if (res.statusCode !== 204) throw new Error(`cannot revoke ${id}: ${res.body}`);
}
