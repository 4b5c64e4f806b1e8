import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventView } from '../src/audit/query/event-view.js';
import { startServer, type RunningServer } from '../src/server.js';
import { openStore, type Store } from '../src/store/db.js';
import { seedEvents } from './helpers/audit-events.js';
import { tempDataDir, testConfig } from './helpers/config.js';

interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads server-sent events from a real HTTP response, frame by frame. */
function sseReader(res: Response): { next: () => Promise<SseFrame>; close: () => Promise<void> } {
  if (res.body === null) throw new Error('no body');
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const raw = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: SseFrame = {};
          for (const line of raw.split('\n')) {
            if (line.startsWith(':')) continue;
            const i = line.indexOf(': ');
            const key = line.slice(0, i);
            if (key === 'id' || key === 'event' || key === 'data') frame[key] = line.slice(i + 2);
          }
          if (frame.data !== undefined) return frame;
          continue;
        }
        const chunk = await reader.read();
        if (chunk.done) throw new Error('stream ended');
        buffer += decoder.decode(chunk.value as Uint8Array, { stream: true });
      }
    },
    close: () => reader.cancel(),
  };
}

describe('audit live tail over server-sent events', () => {
  const data = tempDataDir();
  let store: Store;
  let server: RunningServer;
  const auth: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let tenant = '';

  beforeAll(async () => {
    store = await openStore({ pgliteDir: 'memory://' });
    server = await startServer(testConfig(data.dir), { store, workers: false });
    for (const who of ['alice', 'adam']) {
      const res = await fetch(`${server.url}/dev-idp/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: who }),
      });
      auth[who] = `Bearer ${((await res.json()) as { access_token: string }).access_token}`;
      const me = (await (
        await fetch(`${server.url}/api/v1/me`, { headers: { authorization: auth[who] } })
      ).json()) as {
        user: { id: string };
        tenant: { tenantId: string };
      };
      ids[who] = me.user.id;
      tenant = me.tenant.tenantId;
    }
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    data.cleanup();
  });

  const open = async (who: string, path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      headers: { authorization: auth[who] ?? '', ...headers },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    return sseReader(res);
  };

  it('delivers events written after the client connected, in scope and matching the filters', async () => {
    const tail = await open('alice', '/api/v1/audit/stream?action=api_token.');
    try {
      // Written in this order: only the last one is alice's own, matching event.
      await seedEvents(store.db, [
        { action: 'api_token.created', tenantId: tenant, actorId: ids.adam },
        { action: 'connection.created', tenantId: tenant, actorId: ids.alice },
        { action: 'api_token.created', tenantId: tenant, actorId: ids.alice, targetId: 'tok_live' },
      ]);
      const frame = await tail.next();
      expect(frame.event).toBe('audit');
      const event = JSON.parse(frame.data ?? '{}') as AuditEventView;
      expect(event).toMatchObject({ action: 'api_token.created', target: { id: 'tok_live' } });
      expect(event.actor.id).toBe(ids.alice);
      expect(frame.id).toBe(String(event.seq));
    } finally {
      await tail.close();
    }
  });

  it('resumes after Last-Event-ID with every event since, in order', async () => {
    const [first] = await seedEvents(store.db, [{ action: 'resume.a', tenantId: tenant, actorId: ids.adam }]);
    await seedEvents(store.db, [
      { action: 'resume.b', tenantId: tenant, actorId: ids.adam },
      { action: 'resume.c', tenantId: tenant, actorId: ids.adam },
    ]);
    const list = (await (
      await fetch(`${server.url}/api/v1/admin/audit?action=resume.a`, {
        headers: { authorization: auth.adam ?? '' },
      })
    ).json()) as { items: AuditEventView[] };
    expect(list.items[0]?.id).toBe(first);
    const tail = await open('adam', '/api/v1/admin/audit/stream?action=resume.', {
      'last-event-id': String(list.items[0]?.seq),
    });
    try {
      const b = JSON.parse((await tail.next()).data ?? '{}') as AuditEventView;
      const c = JSON.parse((await tail.next()).data ?? '{}') as AuditEventView;
      expect([b.action, c.action]).toEqual(['resume.b', 'resume.c']);
    } finally {
      await tail.close();
    }
  });

  it('refuses the tenant stream to members', async () => {
    const res = await fetch(`${server.url}/api/v1/admin/audit/stream`, {
      headers: { authorization: auth.alice ?? '' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('lets the server close while a tail is open', async () => {
    const other = tempDataDir();
    const s = await startServer(testConfig(other.dir), { store, workers: false });
    const token = (await (
      await fetch(`${s.url}/dev-idp/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'alice' }),
      })
    ).json()) as { access_token: string };
    const res = await fetch(`${s.url}/api/v1/audit/stream`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    const tail = sseReader(res);
    await s.close();
    await expect(tail.next()).rejects.toThrow();
    other.cleanup();
  });
});
