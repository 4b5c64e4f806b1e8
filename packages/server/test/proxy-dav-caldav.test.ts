import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { DAVClient, type DAVCalendar } from 'tsdav';
import { describe, expect, it } from 'vitest';
import { CALENDAR_HOST, useDavProxy } from './helpers/dav-proxy.js';

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

/**
 * Unmodified CalDAV and CardDAV clients through the proxy (SPEC §6.1): `tsdav` against Radicale,
 * which accepts only the connection's access token; the client holds only a Latchkey API token.
 * Discovery (principal, home set) follows the hrefs Radicale writes, so they must name the proxy.
 */
describe('CalDAV and CardDAV clients through the proxy (Radicale)', () => {
  const lk = useDavProxy();

  it('refuses a REPORT body larger than 1 MiB with 413, sending nothing upstream', async () => {
    const before = lk.bed.calendarGate.accepted().length;
    const res = await fetch(`${lk.base}/proxy/calendar/alice/`, {
      method: 'REPORT',
      headers: { authorization: `Bearer ${lk.token}`, 'content-type': 'application/xml', depth: '1' },
      body: `<?xml version="1.0"?><C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">${'<D:href>/proxy/calendar/alice/x.ics</D:href>'.repeat(30_000)}</C:calendar-multiget>`,
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(lk.bed.calendarGate.accepted().length).toBe(before);
  });

  it('answers the RFC 6764 well-known URIs with the DAV root', async () => {
    for (const kind of ['caldav', 'carddav']) {
      const res = await fetch(`${lk.base}/proxy/calendar/.well-known/${kind}`, {
        method: 'PROPFIND',
        redirect: 'manual',
      });
      expect(res.status).toBe(301);
      expect(res.headers.get('location')).toBe('/proxy/calendar/');
    }
  });

  it("serves a host route with the server's own paths, and its well-known URIs at the host root", async () => {
    const wellKnown = await onHost(`${lk.base}/.well-known/caldav`, CALENDAR_HOST, 'PROPFIND');
    expect(wellKnown.status).toBe(301);
    expect(wellKnown.headers.location).toBe('/');
    const principal = await onHost(`${lk.base}/alice/`, CALENDAR_HOST, 'PROPFIND', {
      authorization: `Bearer ${lk.token}`,
      depth: '0',
    });
    expect(principal.status).toBe(207);
    expect(principal.body).toContain('<href>/alice/</href>');
    // The same well-known path on Latchkey's own host is not a DAV service.
    expect((await fetch(`${lk.base}/.well-known/caldav`, { redirect: 'manual' })).status).toBe(404);
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
        serverUrl: `${lk.base}/proxy/calendar/`,
        ...(auth === 'Bearer'
          ? { authMethod: 'Bearer' as const, credentials: { accessToken: lk.token } }
          : {
              authMethod: 'Basic' as const,
              credentials: { username: 'alice@demo.test', password: lk.token },
            }),
        defaultAccountType: 'caldav',
      });
      await client.login();
      // Discovery went through the principal (RFC 5397) and the home set (RFC 4791 §6.2.1).
      expect(client.account?.principalUrl).toBe(`${lk.base}/proxy/calendar/alice/`);
      expect(client.account?.homeUrl).toBe(`${lk.base}/proxy/calendar/alice/`);

      const calendarUrl = `${lk.base}/proxy/calendar/alice/${auth.toLowerCase()}-work/`;
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
    const bookUrl = `${lk.base}/proxy/calendar/alice/contacts/`;
    const made = await fetch(bookUrl, {
      method: 'MKCOL',
      headers: { authorization: `Bearer ${lk.token}`, 'content-type': 'application/xml' },
      body:
        '<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav">' +
        '<D:set><D:prop><D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype>' +
        '<D:displayname>Contacts</D:displayname></D:prop></D:set></D:mkcol>',
    });
    expect(made.status).toBe(201);
    const client = new DAVClient({
      serverUrl: `${lk.base}/proxy/calendar/`,
      authMethod: 'Basic',
      credentials: { username: 'alice@demo.test', password: lk.token },
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
