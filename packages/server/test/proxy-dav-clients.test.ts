import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { DAVClient, type DAVCalendar } from 'tsdav';
import { createClient, type FileStat, type WebDAVClient } from 'webdav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer } from '../src/server.js';
import type { Store } from '../src/store/db.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import {
  connectThroughConsent,
  createApiToken,
  devIdpToken,
  startDavBed,
  type DavBed,
} from './helpers/dav-bed.js';
import { storeTiers } from './helpers/store-tiers.js';

/**
 * Unmodified DAV clients through the proxy (SPEC §6.1): the `webdav` npm client against Apache
 * mod_dav under `/dav/`, and `tsdav` against Radicale — both upstreams accepting only the
 * connection's access token, the clients holding only a Latchkey API token (as Bearer or as the
 * Basic password). Every href the clients see must point at the proxy, or they would fail.
 */
const CALENDAR_HOST = 'calendar.dav.test';

/** A request with a Host header of our choosing (fetch may not set Host). */
function onHost(
  url: string,
  host: string,
  method: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { ...headers, host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.once('error', reject);
    req.end();
  });
}

describe('WebDAV and CalDAV clients through the proxy', () => {
  const tier = storeTiers().find((t) => t.name === 'postgres' && t.available) ?? storeTiers()[0]!;
  const data = tempDataDir();
  let store: Store;
  let dispose: () => Promise<void>;
  let server: RunningServer;
  let bed: DavBed;
  let base: string;
  let token: string;
  let readOnly: string;

  beforeAll(async () => {
    ({ store, dispose } = await tier.open());
    const port = await freePort('127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    bed = await startDavBed(base);
    // The calendar is also reachable on a host route, keeping Radicale's own paths.
    const services = bed.services.map((s) =>
      s.id === 'calendar' ? { ...s, proxy: { host: CALENDAR_HOST } } : s,
    );
    server = await startServer(testConfig(data.dir, { server: { port }, services }), { store });
    const idp = await devIdpToken(base, 'alice');
    await connectThroughConsent(base, idp, 'files', 'alice');
    await connectThroughConsent(base, idp, 'calendar', 'alice');
    token = await createApiToken(base, idp, ['files', 'calendar'], ['read', 'write', 'delete']);
    readOnly = await createApiToken(base, idp, ['files'], ['read']);
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await bed.close();
    await dispose();
    data.cleanup();
  });

  const files = (auth: 'bearer' | 'basic'): WebDAVClient =>
    auth === 'bearer'
      ? createClient(`${base}/proxy/files/`, { headers: { authorization: `Bearer ${token}` } })
      : createClient(`${base}/proxy/files/`, { username: 'alice@demo.test', password: token });

  async function propfind(path: string, depth: '0' | '1'): Promise<{ status: number; body: string }> {
    const res = await fetch(`${base}${path}`, {
      method: 'PROPFIND',
      headers: { authorization: `Bearer ${token}`, depth, 'content-type': 'application/xml' },
      body: '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>',
    });
    return { status: res.status, body: await res.text() };
  }

  const hrefs = (xml: string): string[] =>
    [...xml.matchAll(/<D:href>([^<]*)<\/D:href>/g)].map((m) => m[1] ?? '');

  it('webdav (Bearer): mkcol, upload, list, download, copy, move, delete', async () => {
    const client = files('bearer');
    await client.createDirectory('/docs');
    await client.putFileContents('/docs/report été.txt', 'first draft');
    await client.putFileContents('/docs/data.bin', Buffer.from([0, 1, 2, 255]));
    const listed = await client.getDirectoryContents('/docs');
    expect(listed.map((f) => f.filename).sort()).toEqual(['/docs/data.bin', '/docs/report été.txt']);
    expect(await client.getFileContents('/docs/report été.txt', { format: 'text' })).toBe('first draft');
    expect(Buffer.from((await client.getFileContents('/docs/data.bin')) as ArrayBuffer)).toEqual(
      Buffer.from([0, 1, 2, 255]),
    );

    // COPY and MOVE send Destination with the proxy URL; the upstream must get its own.
    await client.copyFile('/docs/report été.txt', '/docs/copy.txt');
    await client.moveFile('/docs/data.bin', '/archive.bin');
    expect(await client.exists('/archive.bin')).toBe(true);
    expect(await client.exists('/docs/data.bin')).toBe(false);
    expect(await client.getFileContents('/docs/copy.txt', { format: 'text' })).toBe('first draft');
    expect((await client.stat('/docs/copy.txt')) as FileStat).toMatchObject({ type: 'file', size: 11 });

    await client.deleteFile('/docs/copy.txt');
    await client.deleteFile('/archive.bin');
    expect((await client.getDirectoryContents('/docs')).map((f) => f.basename)).toEqual(['report été.txt']);
  });

  it('webdav (API token as the Basic password): LOCK and UNLOCK, writes with the lock token', async () => {
    const client = files('basic');
    await client.putFileContents('/locked.txt', 'v1');
    const lock = await client.lock('/locked.txt');
    expect(lock.token).toMatch(/^opaquelocktoken:/);
    // Without the token the upstream refuses (423); with it in a tagged If list, it accepts.
    const refused = await fetch(`${base}/proxy/files/locked.txt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}` },
      body: 'v2',
    });
    expect(refused.status).toBe(423);
    const tagged = await fetch(`${base}/proxy/files/locked.txt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, if: `<${base}/proxy/files/locked.txt> (<${lock.token}>)` },
      body: 'v2',
    });
    expect(tagged.status).toBe(204);
    // Apache wants the Coded-URL form (RFC 4918 §10.5); the client sends what LOCK returned.
    await client.unlock('/locked.txt', `<${lock.token}>`);
    expect(await client.getFileContents('/locked.txt', { format: 'text' })).toBe('v2');
    await client.deleteFile('/locked.txt');
  });

  it('evaluates a tagged If list on the resource it names (RFC 4918 §10.4.3)', async () => {
    const put = (condition: string) =>
      fetch(`${base}/proxy/files/tagged.txt`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, if: condition },
        body: 'next',
      });
    await files('bearer').putFileContents('/tagged.txt', 'first');
    const head = await fetch(`${base}/proxy/files/tagged.txt`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${token}` },
    });
    const etag = head.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    // Only a tag that names the upstream's own resource makes the server check the condition.
    expect((await put(`<${base}/proxy/files/tagged.txt> (["wrong"])`)).status).toBe(412);
    expect((await put(`</proxy/files/tagged.txt> ([${etag}])`)).status).toBe(204);
  });

  it("points the upstream's redirects at the proxy, never at the upstream", async () => {
    await files('bearer').createDirectory('/folder');
    // mod_dir answers a collection without its slash with an absolute redirect.
    const res = await fetch(`${base}/proxy/files/folder`, {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'manual',
    });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(`${base}/proxy/files/folder/`);
  });

  it('PROPFIND Depth 0 and 1, with and without the trailing slash: every href names the proxy', async () => {
    await files('bearer').putFileContents('/docs/b%20c.txt', 'x');
    const one = await propfind('/proxy/files/docs/', '1');
    expect(one.status).toBe(207);
    expect(hrefs(one.body).sort()).toEqual([
      '/proxy/files/docs/',
      '/proxy/files/docs/b%2520c.txt',
      '/proxy/files/docs/report%20%c3%a9t%c3%a9.txt',
    ]);
    const zero = await propfind('/proxy/files/docs/', '0');
    expect(hrefs(zero.body)).toEqual(['/proxy/files/docs/']);
    const root = await propfind('/proxy/files', '0');
    expect(root.status).toBe(207);
    expect(hrefs(root.body)).toEqual(['/proxy/files/']);
    expect(one.body).not.toContain('/dav/');
  });

  it('decodes and rewrites a multistatus the upstream compressed although asked not to', async () => {
    const client = files('bearer');
    await client.createDirectory('/gz');
    await client.putFileContents('/gz/one.txt', '1');
    const direct = await fetch(`${bed.apache.url}/dav/gz/`, {
      method: 'PROPFIND',
      headers: { depth: '1', 'accept-encoding': 'identity' },
    });
    expect(direct.headers.get('content-encoding')).toBe('gzip'); // the upstream really does it
    await direct.body?.cancel();
    const res = await fetch(`${base}/proxy/files/gz/`, {
      method: 'PROPFIND',
      headers: { authorization: `Bearer ${token}`, depth: '1' },
    });
    expect(res.status).toBe(207);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(hrefs(await res.text()).sort()).toEqual(['/proxy/files/gz/', '/proxy/files/gz/one.txt']);
  });

  it('never rewrites file bodies: an XML file full of upstream paths downloads byte for byte', async () => {
    const xml = `<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>/dav/docs/</D:href></D:response></D:multistatus>`;
    const client = files('bearer');
    await client.putFileContents('/stored.xml', xml);
    const res = await fetch(`${base}/proxy/files/stored.xml`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.headers.get('content-type')).toMatch(/xml/);
    expect(await res.text()).toBe(xml);
  });

  it('refuses a COPY or MOVE whose Destination leaves the service, sending nothing upstream', async () => {
    await files('bearer').putFileContents('/keep.txt', 'stay');
    const before = bed.filesGate.accepted().length;
    for (const destination of [
      `${base}/proxy/calendar/alice/stolen.ics`,
      `${base}/proxy/files/%2e%2e/escaped.txt`,
      `/proxy/files/../outside.txt`,
      'http://evil.example/proxy/files/x.txt',
    ]) {
      for (const method of ['COPY', 'MOVE']) {
        const res = await fetch(`${base}/proxy/files/keep.txt`, {
          method,
          headers: { authorization: `Bearer ${token}`, destination },
        });
        expect(res.status, `${method} ${destination}`).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    }
    expect(bed.filesGate.accepted().length).toBe(before);
    expect(await files('bearer').getFileContents('/keep.txt', { format: 'text' })).toBe('stay');
  });

  it('asks for Basic when the credential is missing, so password-only clients prompt', async () => {
    const res = await fetch(`${base}/proxy/files/`, { method: 'PROPFIND', headers: { depth: '0' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="Latchkey"/);
    expect(bed.filesGate.refused()).toBe(0); // refused by Latchkey, nothing sent upstream
  });

  it('lets a read-only token list and download but not change anything (SPEC §5)', async () => {
    await files('bearer').putFileContents('/readme.txt', 'read me');
    const client = createClient(`${base}/proxy/files/`, { username: 'alice@demo.test', password: readOnly });
    expect(await client.getFileContents('/readme.txt', { format: 'text' })).toBe('read me');
    expect((await client.getDirectoryContents('/')).map((f) => f.basename)).toContain('readme.txt');
    const before = bed.filesGate.accepted().length;
    for (const attempt of [
      () => client.putFileContents('/readme.txt', 'changed'),
      () => client.createDirectory('/new'),
      () => client.moveFile('/readme.txt', '/moved.txt'),
      () => client.lock('/readme.txt'),
      () => client.deleteFile('/readme.txt'),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ status: 403 });
    }
    expect(bed.filesGate.accepted().length).toBe(before); // refused before anything went upstream
    expect(await client.getFileContents('/readme.txt', { format: 'text' })).toBe('read me');
  });

  it('refuses a REPORT body larger than 1 MiB with 413, sending nothing upstream', async () => {
    const before = bed.calendarGate.accepted().length;
    const res = await fetch(`${base}/proxy/calendar/alice/`, {
      method: 'REPORT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml', depth: '1' },
      body: `<?xml version="1.0"?><C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">${'<D:href>/proxy/calendar/alice/x.ics</D:href>'.repeat(30_000)}</C:calendar-multiget>`,
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(bed.calendarGate.accepted().length).toBe(before);
  });

  it('answers the RFC 6764 well-known URIs with the DAV root', async () => {
    for (const kind of ['caldav', 'carddav']) {
      const res = await fetch(`${base}/proxy/calendar/.well-known/${kind}`, {
        method: 'PROPFIND',
        redirect: 'manual',
      });
      expect(res.status).toBe(301);
      expect(res.headers.get('location')).toBe('/proxy/calendar/');
    }
  });

  it("serves a host route with the server's own paths, and its well-known URIs at the host root", async () => {
    const wellKnown = await onHost(`${base}/.well-known/caldav`, CALENDAR_HOST, 'PROPFIND');
    expect(wellKnown.status).toBe(301);
    expect(wellKnown.headers.location).toBe('/');
    const principal = await onHost(`${base}/alice/`, CALENDAR_HOST, 'PROPFIND', {
      authorization: `Bearer ${token}`,
      depth: '0',
    });
    expect(principal.status).toBe(207);
    expect(principal.body).toContain('<href>/alice/</href>');
    // The same well-known path on Latchkey's own host is not a DAV service.
    expect((await fetch(`${base}/.well-known/caldav`, { redirect: 'manual' })).status).toBe(404);
  });

  const event = (uid: string, start: string): string =>
    [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Latchkey tests//EN',
      'BEGIN:VEVENT',
      `UID:${uid}`,
      'DTSTAMP:20260101T000000Z',
      `DTSTART:${start}`,
      'DURATION:PT1H',
      `SUMMARY:${uid}`,
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');

  for (const auth of ['Bearer', 'Basic'] as const) {
    it(`tsdav (${auth}): discovers the principal, makes a calendar, creates and queries events`, async () => {
      const client = new DAVClient({
        serverUrl: `${base}/proxy/calendar/`,
        ...(auth === 'Bearer'
          ? { authMethod: 'Bearer' as const, credentials: { accessToken: token } }
          : { authMethod: 'Basic' as const, credentials: { username: 'alice@demo.test', password: token } }),
        defaultAccountType: 'caldav',
      });
      await client.login();
      // Discovery went through the principal (RFC 5397) and the home set (RFC 4791 §6.2.1).
      expect(client.account?.principalUrl).toBe(`${base}/proxy/calendar/alice/`);
      expect(client.account?.homeUrl).toBe(`${base}/proxy/calendar/alice/`);

      const calendarUrl = `${base}/proxy/calendar/alice/${auth.toLowerCase()}-work/`;
      await client.makeCalendar({ url: calendarUrl, props: { displayname: `${auth} work` } });
      const calendars: DAVCalendar[] = await client.fetchCalendars();
      const calendar = calendars.find((c) => c.url === calendarUrl);
      if (calendar === undefined)
        expect.fail(`no ${calendarUrl} in ${calendars.map((c) => c.url).join(', ')}`);

      for (const [uid, start] of [
        ['standup', '20260302T090000Z'],
        ['review', '20260310T140000Z'],
        ['later', '20260601T090000Z'],
      ] as const) {
        const created = await client.createCalendarObject({
          calendar,
          filename: `${uid}.ics`,
          iCalString: event(uid, start),
        });
        expect(created.status).toBe(201);
      }

      // calendar-query REPORT with a time range (RFC 4791 §7.8).
      const march = await client.fetchCalendarObjects({
        calendar,
        timeRange: { start: '2026-03-01T00:00:00Z', end: '2026-04-01T00:00:00Z' },
      });
      expect(march.map((o) => o.url).sort()).toEqual([
        `${calendarUrl}review.ics`,
        `${calendarUrl}standup.ics`,
      ]);
      expect(march.find((o) => o.url.endsWith('review.ics'))?.data).toContain('SUMMARY:review');

      // calendar-multiget REPORT (RFC 4791 §7.9): the hrefs in the request body name the proxy.
      const multiget = await client.calendarMultiGet({
        url: calendarUrl,
        props: { 'd:getetag': {}, 'c:calendar-data': {} },
        objectUrls: [`/proxy/calendar/alice/${auth.toLowerCase()}-work/later.ics`],
        depth: '1',
      });
      expect(multiget).toHaveLength(1);
      expect(multiget[0]?.href).toBe(`/proxy/calendar/alice/${auth.toLowerCase()}-work/later.ics`);
      expect(JSON.stringify(multiget[0]?.props)).toContain('SUMMARY:later');
    });
  }
  it('tsdav (CardDAV): an address book made with extended MKCOL (RFC 5689), a vCard stored and listed', async () => {
    const bookUrl = `${base}/proxy/calendar/alice/contacts/`;
    const made = await fetch(bookUrl, {
      method: 'MKCOL',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      body:
        '<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav">' +
        '<D:set><D:prop><D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype>' +
        '<D:displayname>Contacts</D:displayname></D:prop></D:set></D:mkcol>',
    });
    expect(made.status).toBe(201);
    const client = new DAVClient({
      serverUrl: `${base}/proxy/calendar/`,
      authMethod: 'Basic',
      credentials: { username: 'alice@demo.test', password: token },
      defaultAccountType: 'carddav',
    });
    await client.login();
    const books = await client.fetchAddressBooks();
    const book = books.find((b) => b.url === bookUrl);
    if (book === undefined) expect.fail(`no ${bookUrl} in ${books.map((b) => b.url).join(', ')}`);
    const vcard = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'UID:bob-1',
      'FN:Bob Example',
      'N:Example;Bob;;;',
      'END:VCARD',
      '',
    ].join('\r\n');
    const created = await client.createVCard({ addressBook: book, filename: 'bob.vcf', vCardString: vcard });
    expect(created.status).toBe(201);
    const cards = await client.fetchVCards({ addressBook: book });
    expect(cards.map((c) => c.url)).toEqual([`${bookUrl}bob.vcf`]);
    expect(cards[0]?.data).toContain('FN:Bob Example');
  });
});
