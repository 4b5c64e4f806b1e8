import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer } from '../src/server.js';
import type { Store } from '../src/store/db.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import {
  connectThroughConsent,
  createApiToken,
  devIdpToken,
  DIRECT_BASIC_PASSWORD,
  startDavBed,
  type DavBed,
} from './helpers/dav-bed.js';
import { runLitmus } from './helpers/litmus.js';
import { storeTiers } from './helpers/store-tiers.js';

/**
 * SPEC §6.1: a WebDAV conformance suite run through the proxy scores exactly what it scores
 * directly against the server. litmus (basic, copymove, props, locks, http) runs once against
 * Apache mod_dav (through its gate, with the gate's fixed Basic password) and once through
 * Latchkey with an API token as the Basic password, as a password-only DAV client would.
 */
describe('WebDAV conformance (litmus) through the proxy equals direct', () => {
  const tier = storeTiers().find((t) => t.name === 'postgres' && t.available) ?? storeTiers()[0]!;
  const data = tempDataDir();
  let store: Store;
  let dispose: () => Promise<void>;
  let server: RunningServer;
  let bed: DavBed;
  let base: string;
  let token: string;

  beforeAll(async () => {
    ({ store, dispose } = await tier.open());
    const port = await freePort('127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    bed = await startDavBed(base);
    server = await startServer(testConfig(data.dir, { server: { port }, services: bed.services }), { store });
    const idp = await devIdpToken(base, 'alice');
    await connectThroughConsent(base, idp, 'files', 'alice');
    token = await createApiToken(base, idp, ['files'], ['read', 'write', 'delete']);
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await bed.close();
    await dispose();
    data.cleanup();
  });

  it('same passes, failures and warnings in every suite, and the same transcript', async () => {
    const direct = await runLitmus(`${bed.filesGate.url}/dav/`, 'litmus', DIRECT_BASIC_PASSWORD);
    const proxied = await runLitmus(`${base}/proxy/files/`, 'alice@demo.test', token);

    // The direct run is a real score, not an empty one (a dead server would "match" too).
    expect(Object.keys(direct.suites)).toEqual(['basic', 'copymove', 'props', 'locks', 'http']);
    expect(direct.suites.basic?.passed).toBeGreaterThan(10);
    expect(direct.suites.locks?.passed).toBeGreaterThan(30);

    expect(proxied.suites).toEqual(direct.suites);
    expect(proxied.transcript).toBe(direct.transcript);
  });
});
