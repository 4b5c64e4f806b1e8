import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server.js';
import type { Store } from '../src/store/db.js';
import { connectDemoAs } from './helpers/demo-consent.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { createApiToken, devIdpToken } from './helpers/dav-bed.js';
import { storeTiers } from './helpers/store-tiers.js';

/**
 * The README's tour, proxy step: alice connects the embedded demo service through the consent
 * flow of the development IdP, then a script calls the demo notes API through the proxy with a
 * read-only API token (as Bearer and as the Basic password) and exchanges it for the downstream
 * token with a token that may exchange.
 */
describe('tour: the demo service through the proxy and token exchange', () => {
  const tier = storeTiers()[0]!;
  const data = tempDataDir();
  let store: Store;
  let dispose: () => Promise<void>;
  let server: RunningServer;

  beforeAll(async () => {
    ({ store, dispose } = await tier.open());
    server = await startServer(testConfig(data.dir), { store });
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await dispose();
    data.cleanup();
  });

  it('connects demo, reads notes through the proxy, refuses a write to a read-only token, exchanges', async () => {
    const base = server.url;
    const idp = await devIdpToken(base, 'alice');
    await connectDemoAs(base, idp, 'alice');

    const readOnly = await createApiToken(base, idp, ['*'], ['read']);
    const list = await fetch(`${base}/proxy/demo/notes`, {
      headers: { authorization: `Bearer ${readOnly}` },
    });
    expect(list.status, await list.clone().text()).toBe(200);
    const basic = Buffer.from(`alice@example.com:${readOnly}`).toString('base64');
    expect(
      (await fetch(`${base}/proxy/demo/notes`, { headers: { authorization: `Basic ${basic}` } })).status,
    ).toBe(200);
    const write = await fetch(`${base}/proxy/demo/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readOnly}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(write.status).toBe(403);
    expect(await write.json()).toMatchObject({ code: 'insufficient_scope', required: ['write'] });

    const exchanger = await createApiToken(base, idp, ['demo'], ['exchange']);
    const exchanged = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        subject_token: exchanger,
        audience: 'demo',
      }).toString(),
    });
    expect(exchanged.status).toBe(200);
    const { access_token } = (await exchanged.json()) as { access_token: string };
    // The downstream token works against the demo API directly.
    const direct = await fetch(`${base}/demo-api/notes`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(direct.status).toBe(200);
  }, 60_000);
});
