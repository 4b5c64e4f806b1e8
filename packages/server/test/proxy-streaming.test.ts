import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer } from '../src/server.js';
import type { Store } from '../src/store/db.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { connectThroughConsent, createApiToken, devIdpToken } from './helpers/dav-bed.js';
import { startProxyBed, type ProxyBed } from './helpers/proxy-bed.js';
import { storeTiers } from './helpers/store-tiers.js';

const SIZE = 256 * 1024 * 1024;
/** Generous: buffering either body would grow the process by at least SIZE. */
const MAX_GROWTH = 64 * 1024 * 1024;

/** Samples the process RSS while `work` runs; answers its peak growth over the level before. */
async function peakRssGrowth(work: () => Promise<void>): Promise<number> {
  globalThis.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().rss) - baseline;
}

describe('proxy streams bodies end to end (SPEC §6.1: no buffering of large files)', () => {
  const tier = storeTiers()[0]!;
  const data = tempDataDir();
  let store: Store;
  let dispose: () => Promise<void>;
  let server: RunningServer;
  let bed: ProxyBed;
  let base: URL;
  let token: string;

  beforeAll(async () => {
    ({ store, dispose } = await tier.open());
    const port = await freePort('127.0.0.1');
    base = new URL(`http://127.0.0.1:${port}`);
    bed = await startProxyBed(base.origin);
    server = await startServer(testConfig(data.dir, { server: { port }, services: bed.services }), { store });
    const idp = await devIdpToken(base.origin, 'alice');
    await connectThroughConsent(base.origin, idp, 'echo', 'alice');
    token = await createApiToken(base.origin, idp, ['echo'], ['read', 'write']);
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await bed.close();
    await dispose();
    data.cleanup();
  });

  it(`uploads ${SIZE / 2 ** 20} MiB generated on the fly; the process grows by less than ${MAX_GROWTH / 2 ** 20} MiB`, async () => {
    let answer = '';
    const growth = await peakRssGrowth(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = httpRequest(
            {
              host: base.hostname,
              port: base.port,
              method: 'PUT',
              path: '/proxy/echo/big.bin',
              headers: {
                authorization: `Bearer ${token}`,
                'content-type': 'application/octet-stream',
                'content-length': String(SIZE),
              },
            },
            (res) => {
              res.setEncoding('utf8');
              res.on('data', (c: string) => (answer += c));
              res.on('end', resolve);
            },
          );
          req.on('error', reject);
          const chunk = Buffer.alloc(256 * 1024, 0x62);
          let left = SIZE;
          const pump = (): void => {
            while (left > 0) {
              left -= chunk.length;
              if (!req.write(chunk)) {
                req.once('drain', pump);
                return;
              }
            }
            req.end();
          };
          pump();
        }),
    );
    expect(JSON.parse(answer)).toMatchObject({ method: 'PUT', bodyBytes: SIZE });
    expect(growth).toBeLessThan(MAX_GROWTH);
  }, 120_000);

  it(`downloads ${SIZE / 2 ** 20} MiB with Content-Length kept; the process grows by less than ${MAX_GROWTH / 2 ** 20} MiB`, async () => {
    let received = 0;
    let length: string | undefined;
    const growth = await peakRssGrowth(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = httpRequest(
            {
              host: base.hostname,
              port: base.port,
              path: `/proxy/echo/bytes/${SIZE}`,
              headers: { authorization: `Bearer ${token}` },
            },
            (res) => {
              length = res.headers['content-length'];
              res.on('data', (c: Buffer) => (received += c.length));
              res.on('end', resolve);
            },
          );
          req.on('error', reject);
          req.end();
        }),
    );
    expect(length).toBe(String(SIZE));
    expect(received).toBe(SIZE);
    expect(growth).toBeLessThan(MAX_GROWTH);
  }, 120_000);
});
