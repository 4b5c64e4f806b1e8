import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { expiryWindows, recordOwedNotices } from '../src/notices/find-owed.js';
import { smtpMailer } from '../src/notices/mailer.js';
import { sendDueNotices } from '../src/notices/send-due.js';
import type { Store } from '../src/store/db.js';
import { rawRows } from '../src/store/raw-rows.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { storeTiers } from './helpers/store-tiers.js';

interface Received {
  to: string[];
  subject: string;
  raw: string;
}

/** RFC 2047 Q-encoded words, as mail clients show them. */
function decodeHeader(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_m, text: string) =>
    Buffer.from(
      text
        .replace(/_/g, ' ')
        .replace(/=([0-9A-F]{2})/gi, (_h, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    ).toString('utf8'),
  );
}

/** A real SMTP server on loopback (no TLS, no auth) that keeps what it is given. */
function smtpPeer() {
  const got: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const subject = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r\n[ \t]/g, ' ') ?? '';
        got.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: decodeHeader(subject), raw });
        callback();
      });
    },
  });
  return {
    got,
    async listen(port = 0): Promise<number> {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      return (server.server.address() as AddressInfo).port;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe('expiry marks as windows', () => {
  it('gives each mark the span down to the next smaller one', () => {
    expect(expiryWindows([7, 30, 1, 7])).toEqual([
      { days: 1, after: 0 },
      { days: 7, after: 1 },
      { days: 30, after: 7 },
    ]);
  });
});

for (const tier of storeTiers()) {
  describe.runIf(tier.available)(
    `notices to owners: tokens expiring, connections needing consent (SPEC §5) on ${tier.name}`,
    () => {
      const data = tempDataDir();
      let store: Store;
      let dispose: () => Promise<void>;
      let app: FastifyInstance;
      let alice = '';
      const ids: Record<string, string> = {};

      const createToken = async (name: string, days: number) => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/api-tokens',
          headers: { authorization: alice },
          payload: { name, services: ['*'], permissions: ['read'], expiresInDays: days },
        });
        expect(res.statusCode, res.body).toBe(201);
        const id = res.json<{ apiToken: { id: string } }>().apiToken.id;
        ids[name] = id;
        return id;
      };
      /** Moves a token in time: created `age` days ago, expiring `left` days from now. */
      const travel = (id: string, age: number, left: number) =>
        store.db.execute(
          sql`update api_tokens set created_at = now() - make_interval(days => ${age}),
              expires_at = now() + make_interval(secs => ${Math.round(left * 86400)}) where id = ${id}`,
        );
      const notices = () =>
        rawRows<{ subject_id: string; occasion: string; email_status: string; kind: string }>(
          store.db,
          sql`select subject_id, occasion, email_status, kind from notices order by subject_id, occasion`,
        );

      beforeAll(async () => {
        ({ store, dispose } = await tier.open());
        ({ app } = await buildApp(testConfig(data.dir), { store }));
        const minted = await app.inject({
          method: 'POST',
          url: '/dev-idp/token',
          payload: { user: 'alice' },
        });
        alice = `Bearer ${minted.json<{ access_token: string }>().access_token}`;
        await app.inject({ url: '/api/v1/me', headers: { authorization: alice } });
      });
      afterAll(async () => {
        await app.close();
        await dispose();
        data.cleanup();
      });

      it('records each owed notice once, the one mark that is still true, with an audit event', async () => {
        await travel(await createToken('in-5-days', 90), 85, 5); // 7-day mark
        await travel(await createToken('in-20-days', 365), 345, 20); // 30-day mark
        await travel(await createToken('in-half-a-day', 90), 89, 0.5); // 1-day mark only, not 7 and 30
        await createToken('short-lived', 7); // its whole life is under the 7-day mark: no notice
        await createToken('far-away', 90);
        const revoked = await createToken('revoked', 90);
        await travel(revoked, 85, 5);
        await app.inject({
          method: 'DELETE',
          url: `/api/v1/api-tokens/${revoked}`,
          headers: { authorization: alice },
        });
        const [user] = await rawRows<{ id: string; tenant_id: string }>(
          store.db,
          sql`select u.id, m.tenant_id from users u join memberships m on m.user_id = u.id where u.email like 'alice%'`,
        );
        await store.db.execute(
          sql`insert into connections (id, tenant_id, user_id, service_id, status, version)
            values ('con_noticetest', ${user?.tenant_id}, ${user?.id}, 'demo', 'needs_consent', 3)`,
        );

        expect(await recordOwedNotices(store.db, { expiryDays: [30, 7, 1], email: false })).toBe(4);
        expect(await recordOwedNotices(store.db, { expiryDays: [30, 7, 1], email: false })).toBe(0);
        const rows = await notices();
        expect(rows.map((r) => [r.subject_id, r.occasion, r.email_status]).sort()).toEqual(
          [
            [ids['in-5-days'], '7d', 'skipped'],
            [ids['in-20-days'], '30d', 'skipped'],
            [ids['in-half-a-day'], '1d', 'skipped'],
            ['con_noticetest', 'v3', 'skipped'],
          ].sort(),
        );
        const events = await rawRows<{ action: string; target_id: string }>(
          store.db,
          sql`select action, target_id from audit_events where action like 'notice.%' order by target_id`,
        );
        expect(events.map((e) => [e.action, e.target_id]).sort()).toEqual(
          [
            ['notice.api_token_expiring', ids['in-5-days']],
            ['notice.api_token_expiring', ids['in-20-days']],
            ['notice.api_token_expiring', ids['in-half-a-day']],
            ['notice.connection_needs_consent', 'con_noticetest'],
          ].sort(),
        );
      });

      it('moves on to the next mark as time passes, and a reconnect that fails again is a new occasion', async () => {
        await travel(ids['in-5-days'] ?? '', 89, 0.5);
        await store.db.execute(sql`update connections set version = 5 where id = 'con_noticetest'`);
        expect(await recordOwedNotices(store.db, { expiryDays: [30, 7, 1], email: false })).toBe(2);
        const occasions = (await notices())
          .filter((r) => r.subject_id === ids['in-5-days'] || r.subject_id === 'con_noticetest')
          .map((r) => r.occasion);
        expect(occasions.sort()).toEqual(['1d', '7d', 'v3', 'v5']);
      });

      it('mails pending notices through a real SMTP server, retrying while it is down, never with a secret', async () => {
        const peer = smtpPeer();
        const port = await peer.listen();
        await travel(await createToken('mailed', 90), 80, 6);
        expect(await recordOwedNotices(store.db, { expiryDays: [30, 7, 1], email: true })).toBe(1);
        const mailer = smtpMailer({
          host: '127.0.0.1',
          port,
          from: 'Latchkey <latchkey@demo.test>',
          requireTls: false,
          timeoutMs: 2000,
        });
        const settings = { maxAttempts: 3, backoffSeconds: 0.01, consoleUrl: 'http://latchkey.test/' };

        // Down first: the attempt is recorded and retried later.
        await peer.close();
        expect(await sendDueNotices(store.db, mailer, settings)).toBe(1);
        const [failed] = await rawRows<{ email_status: string; attempts: number; last_error: string }>(
          store.db,
          sql`select email_status, attempts, last_error from notices where subject_id = ${ids.mailed}`,
        );
        expect(failed).toMatchObject({ email_status: 'pending', attempts: 1 });
        expect(failed?.last_error).toMatch(/^send failed/);

        const back = smtpPeer();
        await back.listen(port);
        try {
          await new Promise((r) => setTimeout(r, 50));
          expect(await sendDueNotices(store.db, mailer, settings)).toBe(1);
          expect(await sendDueNotices(store.db, mailer, settings)).toBe(0);
          expect(back.got).toHaveLength(1);
          const mail = back.got[0];
          expect(mail?.to).toEqual([expect.stringMatching(/^alice@/)]);
          expect(mail?.subject).toContain('"mailed" expires');
          expect(mail?.raw).toContain('http://latchkey.test/');
          expect(mail?.raw).not.toMatch(/lk_[A-Za-z0-9]{20}/);
          const [sent] = await rawRows<{ email_status: string; attempts: number }>(
            store.db,
            sql`select email_status, attempts from notices where subject_id = ${ids.mailed}`,
          );
          expect(sent).toMatchObject({ email_status: 'sent', attempts: 2 });
        } finally {
          await back.close();
        }
      });
    },
  );
}
