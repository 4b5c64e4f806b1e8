import { createClient, type FileStat, type WebDAVClient } from 'webdav';
import { describe, expect, it } from 'vitest';
import { useDavProxy } from './helpers/dav-proxy.js';

/**
 * Unmodified WebDAV clients through the proxy (SPEC §6.1): the `webdav` npm client against
 * Apache mod_dav under `/dav/`, which accepts only the connection's access token; the client
 * holds only a Latchkey API token (as Bearer or as the Basic password). Every href it sees must
 * point at the proxy, or it would fail.
 */
describe('WebDAV clients through the proxy (Apache mod_dav)', () => {
  const lk = useDavProxy();

  const files = (auth: 'bearer' | 'basic'): WebDAVClient =>
    auth === 'bearer'
      ? createClient(`${lk.base}/proxy/files/`, { headers: { authorization: `Bearer ${lk.token}` } })
      : createClient(`${lk.base}/proxy/files/`, { username: 'alice@demo.test', password: lk.token });

  async function propfind(path: string, depth: '0' | '1'): Promise<{ status: number; body: string }> {
    const res = await fetch(`${lk.base}${path}`, {
      method: 'PROPFIND',
      headers: { authorization: `Bearer ${lk.token}`, depth, 'content-type': 'application/xml' },
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
    const refused = await fetch(`${lk.base}/proxy/files/locked.txt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${lk.token}` },
      body: 'v2',
    });
    expect(refused.status).toBe(423);
    const tagged = await fetch(`${lk.base}/proxy/files/locked.txt`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${lk.token}`,
        if: `<${lk.base}/proxy/files/locked.txt> (<${lock.token}>)`,
      },
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
      fetch(`${lk.base}/proxy/files/tagged.txt`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${lk.token}`, if: condition },
        body: 'next',
      });
    await files('bearer').putFileContents('/tagged.txt', 'first');
    const head = await fetch(`${lk.base}/proxy/files/tagged.txt`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${lk.token}` },
    });
    const etag = head.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    // Only a tag that names the upstream's own resource makes the server check the condition.
    expect((await put(`<${lk.base}/proxy/files/tagged.txt> (["wrong"])`)).status).toBe(412);
    expect((await put(`</proxy/files/tagged.txt> ([${etag}])`)).status).toBe(204);
  });

  it("points the upstream's redirects at the proxy, never at the upstream", async () => {
    await files('bearer').createDirectory('/folder');
    // mod_dir answers a collection without its slash with an absolute redirect.
    const res = await fetch(`${lk.base}/proxy/files/folder`, {
      headers: { authorization: `Bearer ${lk.token}` },
      redirect: 'manual',
    });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(`${lk.base}/proxy/files/folder/`);
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
    const direct = await fetch(`${lk.bed.apache.url}/dav/gz/`, {
      method: 'PROPFIND',
      headers: { depth: '1', 'accept-encoding': 'identity' },
    });
    expect(direct.headers.get('content-encoding')).toBe('gzip'); // the upstream really does it
    await direct.body?.cancel();
    const res = await fetch(`${lk.base}/proxy/files/gz/`, {
      method: 'PROPFIND',
      headers: { authorization: `Bearer ${lk.token}`, depth: '1' },
    });
    expect(res.status).toBe(207);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(hrefs(await res.text()).sort()).toEqual(['/proxy/files/gz/', '/proxy/files/gz/one.txt']);
  });

  it('never rewrites file bodies: an XML file full of upstream paths downloads byte for byte', async () => {
    const xml = `<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>/dav/docs/</D:href></D:response></D:multistatus>`;
    const client = files('bearer');
    await client.putFileContents('/stored.xml', xml);
    const res = await fetch(`${lk.base}/proxy/files/stored.xml`, {
      headers: { authorization: `Bearer ${lk.token}` },
    });
    expect(res.headers.get('content-type')).toMatch(/xml/);
    expect(await res.text()).toBe(xml);
  });

  it('refuses a COPY or MOVE whose Destination leaves the service, sending nothing upstream', async () => {
    await files('bearer').putFileContents('/keep.txt', 'stay');
    const before = lk.bed.filesGate.accepted().length;
    for (const destination of [
      `${lk.base}/proxy/calendar/alice/stolen.ics`,
      `${lk.base}/proxy/files/%2e%2e/escaped.txt`,
      `/proxy/files/../outside.txt`,
      'http://evil.example/proxy/files/x.txt',
    ]) {
      for (const method of ['COPY', 'MOVE']) {
        const res = await fetch(`${lk.base}/proxy/files/keep.txt`, {
          method,
          headers: { authorization: `Bearer ${lk.token}`, destination },
        });
        expect(res.status, `${method} ${destination}`).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    }
    expect(lk.bed.filesGate.accepted().length).toBe(before);
    expect(await files('bearer').getFileContents('/keep.txt', { format: 'text' })).toBe('stay');
  });

  it('asks for Basic when the credential is missing, so password-only clients prompt', async () => {
    const res = await fetch(`${lk.base}/proxy/files/`, { method: 'PROPFIND', headers: { depth: '0' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="Latchkey"/);
    expect(lk.bed.filesGate.refused()).toBe(0); // refused by Latchkey, nothing sent upstream
  });

  it('lets a read-only token list and download but not change anything (SPEC §5)', async () => {
    await files('bearer').putFileContents('/readme.txt', 'read me');
    const client = createClient(`${lk.base}/proxy/files/`, {
      username: 'alice@demo.test',
      password: lk.readOnly,
    });
    expect(await client.getFileContents('/readme.txt', { format: 'text' })).toBe('read me');
    expect((await client.getDirectoryContents('/')).map((f) => f.basename)).toContain('readme.txt');
    const before = lk.bed.filesGate.accepted().length;
    for (const attempt of [
      () => client.putFileContents('/readme.txt', 'changed'),
      () => client.createDirectory('/new'),
      () => client.moveFile('/readme.txt', '/moved.txt'),
      () => client.lock('/readme.txt'),
      () => client.deleteFile('/readme.txt'),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ status: 403 });
    }
    expect(lk.bed.filesGate.accepted().length).toBe(before); // refused before anything went upstream
    expect(await client.getFileContents('/readme.txt', { format: 'text' })).toBe('read me');
  });
});
