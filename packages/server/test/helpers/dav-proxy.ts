import { afterAll, beforeAll } from 'vitest';
import { freePort, startServer, type RunningServer } from '../../src/server.js';
import type { Store } from '../../src/store/db.js';
import { tempDataDir, testConfig } from './config.js';
import { connectThroughConsent, createApiToken, devIdpToken, startDavBed, type DavBed } from './dav-bed.js';
import { storeTiers } from './store-tiers.js';

/** The host route of the calendar service (SPEC §6.1 host-based routing), besides its prefix. */
export const CALENDAR_HOST = 'calendar.dav.test';

/** A Latchkey in front of the DAV bed, alice connected to both services. */
export interface DavProxy {
  base: string;
  bed: DavBed;
  server: RunningServer;
  store: Store;
  /** alice's API token for files and calendar: read, write, delete. */
  token: string;
  /** alice's API token for files: read only. */
  readOnly: string;
}

/**
 * Registers the suite's beforeAll/afterAll: the DAV bed, a Latchkey on the PostgreSQL tier when
 * available (PGlite otherwise) whose catalogue has `files` and `calendar` (also on
 * {@link CALENDAR_HOST}), alice's connections made through the real consent flow, and her API
 * tokens. The returned object is filled in by beforeAll.
 */
export function useDavProxy(): DavProxy {
  const tier = storeTiers().find((t) => t.name === 'postgres' && t.available) ?? storeTiers()[0];
  if (tier === undefined) throw new Error('no store tier');
  const data = tempDataDir();
  const ctx = {} as DavProxy;
  let dispose: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const opened = await tier.open();
    ctx.store = opened.store;
    dispose = opened.dispose;
    const port = await freePort('127.0.0.1');
    ctx.base = `http://127.0.0.1:${port}`;
    ctx.bed = await startDavBed(ctx.base);
    const services = ctx.bed.services.map((s) =>
      s.id === 'calendar' ? { ...s, proxy: { host: CALENDAR_HOST } } : s,
    );
    ctx.server = await startServer(testConfig(data.dir, { server: { port }, services }), {
      store: ctx.store,
    });
    const idp = await devIdpToken(ctx.base, 'alice');
    await connectThroughConsent(ctx.base, idp, 'files', 'alice');
    await connectThroughConsent(ctx.base, idp, 'calendar', 'alice');
    ctx.token = await createApiToken(ctx.base, idp, ['files', 'calendar'], ['read', 'write', 'delete']);
    ctx.readOnly = await createApiToken(ctx.base, idp, ['files'], ['read']);
  }, 60_000);
  afterAll(async () => {
    await ctx.server.close();
    await ctx.bed.close();
    await dispose?.();
    data.cleanup();
  });
  return ctx;
}
