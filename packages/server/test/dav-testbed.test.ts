import { eq } from 'drizzle-orm';
import { createClient } from 'webdav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openToken } from '../src/connections/secrets.js';
import { freePort, startServer, type RunningServer } from '../src/server.js';
import type { Store } from '../src/store/db.js';
import { connections } from '../src/store/schema/index.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { connectThroughConsent, devIdpToken, startDavBed, type DavBed } from './helpers/dav-bed.js';
import { storeTiers } from './helpers/store-tiers.js';

/**
 * The bed the proxy's DAV tests stand on: real Apache mod_dav and Radicale that accept only
 * access tokens of the authorization server Latchkey connects to — as in production, where the
 * upstream is an OAuth resource server and not an open door.
 */
describe('DAV test bed: real servers behind token-checking gates', () => {
  const tier = storeTiers().find((t) => t.name === 'postgres' && t.available) ?? storeTiers()[0]!;
  const data = tempDataDir();
  let store: Store;
  let dispose: () => Promise<void>;
  let server: RunningServer;
  let bed: DavBed;
  let base: string;

  beforeAll(async () => {
    ({ store, dispose } = await tier.open());
    const port = await freePort('127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    bed = await startDavBed(base);
    server = await startServer(testConfig(data.dir, { server: { port }, services: bed.services }), { store });
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await bed.close();
    await dispose();
    data.cleanup();
  });

  async function storedAccessToken(service: string): Promise<string> {
    const rows = await store.db.select().from(connections).where(eq(connections.serviceId, service));
    const row = rows[0];
    if (row?.accessTokenEnc == null) expect.fail(`no ${service} connection`);
    return openToken(server.services.keyring, row.id, 'access_token', row.accessTokenEnc);
  }

  it('refuses a missing, a forged and a foreign token at each gate', async () => {
    const forged = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
    const idp = await devIdpToken(base, 'alice'); // a real JWT, from another issuer
    for (const gate of [bed.filesGate, bed.calendarGate]) {
      for (const authorization of [undefined, `Bearer ${forged}`, `Bearer ${idp}`]) {
        const res = await fetch(`${gate.url}/`, {
          method: 'PROPFIND',
          headers: { depth: '0', ...(authorization === undefined ? {} : { authorization }) },
        });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/Bearer realm="dav", error="invalid_token"/);
      }
    }
  });

  it('accepts the token Latchkey obtained through the consent flow; real clients work directly', async () => {
    const idp = await devIdpToken(base, 'alice');
    await connectThroughConsent(base, idp, 'files', 'alice');
    await connectThroughConsent(base, idp, 'calendar', 'alice');

    const files = createClient(`${bed.filesGate.url}/dav/`, {
      headers: { authorization: `Bearer ${await storedAccessToken('files')}` },
    });
    await files.putFileContents('/hello.txt', 'hello from the bed');
    expect(await files.getFileContents('/hello.txt', { format: 'text' })).toBe('hello from the bed');
    const listed = await files.getDirectoryContents('/');
    expect(listed.map((f) => f.basename)).toContain('hello.txt');

    // Radicale sees the token's subject as its user.
    const principal = await fetch(`${bed.calendarGate.url}/`, {
      method: 'PROPFIND',
      headers: {
        authorization: `Bearer ${await storedAccessToken('calendar')}`,
        depth: '0',
        'content-type': 'application/xml',
      },
      body: '<?xml version="1.0"?><propfind xmlns="DAV:"><prop><current-user-principal/></prop></propfind>',
    });
    expect(principal.status).toBe(207);
    expect(await principal.text()).toContain('<current-user-principal><href>/alice/</href>');
  });
});
