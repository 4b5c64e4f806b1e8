import Fastify, { type FastifyInstance, type HTTPMethods } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { genReqId, loggerOptions } from '../src/http/logging.js';
import { installProblemHandlers } from '../src/http/problem.js';
import { openStore, type Store } from '../src/store/db.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { captureLog, expectProblem } from './helpers/http.js';

const BODY_LIMIT = 4096;
const TOKEN = '/dev-idp/token';
const json = { 'content-type': 'application/json' };

describe('bad input answers a problem, never a 500', () => {
  const data = tempDataDir();
  const log = captureLog();
  let store: Store;
  let app: FastifyInstance;
  let bearer: string;

  beforeAll(async () => {
    store = await openStore({ pgliteDir: 'memory://' });
    ({ app } = await buildApp(
      testConfig(data.dir, { server: { bodyLimitBytes: BODY_LIMIT }, log: { level: 'info' } }),
      { store, logStream: log.stream },
    ));
    const minted = await app.inject({ method: 'POST', url: TOKEN, payload: { user: 'adam' } });
    expect(minted.statusCode).toBe(200);
    bearer = `Bearer ${minted.json<{ access_token: string }>().access_token}`;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    data.cleanup();
  });

  describe('JSON bodies (POST /dev-idp/token)', () => {
    it('malformed JSON is invalid_json', async () => {
      const res = await app.inject({ method: 'POST', url: TOKEN, headers: json, payload: '{"user":' });
      expect(expectProblem(res, 400, 'invalid_json').detail).toBe('the body is not valid JSON');
    });

    it('a prototype-poisoning body is refused as invalid_json', async () => {
      const payload = '{"user":"adam","__proto__":{"admin":true}}';
      const res = await app.inject({ method: 'POST', url: TOKEN, headers: json, payload });
      expectProblem(res, 400, 'invalid_json');
    });

    it('an empty body sent as JSON is invalid_json', async () => {
      const res = await app.inject({ method: 'POST', url: TOKEN, headers: json, payload: '' });
      expectProblem(res, 400, 'invalid_json');
    });

    it('a content type the route does not parse is unsupported_media_type', async () => {
      const res = await app.inject({
        method: 'POST',
        url: TOKEN,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'user=adam',
      });
      expectProblem(res, 415, 'unsupported_media_type');
    });

    it('text/plain reaches validation as a string and is refused there', async () => {
      const res = await app.inject({
        method: 'POST',
        url: TOKEN,
        headers: { 'content-type': 'text/plain' },
        payload: '{"user":"adam"}',
      });
      expect(expectProblem(res, 400, 'validation_failed').errors?.map((e) => e.path)).toEqual(['body']);
    });

    it('no body at all is validation_failed on body', async () => {
      const res = await app.inject({ method: 'POST', url: TOKEN });
      expect(expectProblem(res, 400, 'validation_failed').errors?.map((e) => e.path)).toEqual(['body']);
    });

    it.each([
      ['an array', [{ user: 'adam' }]],
      ['null', null],
      ['a number', 42],
    ])('%s instead of an object is validation_failed on body', async (_name, payload) => {
      const res = await app.inject({
        method: 'POST',
        url: TOKEN,
        headers: json,
        payload: JSON.stringify(payload),
      });
      expect(expectProblem(res, 400, 'validation_failed').errors?.map((e) => e.path)).toEqual(['body']);
    });

    it('a missing field is named by its path', async () => {
      const res = await app.inject({ method: 'POST', url: TOKEN, payload: {} });
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors?.map((e) => e.path)).toEqual(['body.user']);
    });

    it('wrong types: every bad field is listed, two fields give two errors', async () => {
      const res = await app.inject({ method: 'POST', url: TOKEN, payload: { user: 5, expiresIn: 'soon' } });
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors?.map((e) => e.path).sort()).toEqual(['body.expiresIn', 'body.user']);
      for (const e of problem.errors ?? []) expect(e.message.length).toBeGreaterThan(0);
    });

    it('unknown fields of a strict object are each listed with their path', async () => {
      const res = await app.inject({
        method: 'POST',
        url: TOKEN,
        payload: { user: 'adam', role: 'admin', scopes: ['all'] },
      });
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors).toEqual([
        { path: 'body.role', message: 'unknown field' },
        { path: 'body.scopes', message: 'unknown field' },
      ]);
    });

    it('bad values, bad types and unknown fields together are all listed at once', async () => {
      const res = await app.inject({
        method: 'POST',
        url: TOKEN,
        payload: { user: '', audience: 7, expiresIn: 5, extra: true },
      });
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors?.map((e) => e.path).sort()).toEqual([
        'body.audience',
        'body.expiresIn',
        'body.extra',
        'body.user',
      ]);
      expect(problem.detail).toBe('4 field(s) are invalid');
    });

    it('a body over server.bodyLimitBytes is payload_too_large', async () => {
      const res = await app.inject({
        method: 'POST',
        url: TOKEN,
        payload: { user: 'x'.repeat(BODY_LIMIT + 1) },
      });
      expectProblem(res, 413, 'payload_too_large');
    });

    it('a body just under the limit is parsed (the limit is the configured one)', async () => {
      const payload = JSON.stringify({ user: 'adam', audience: 'a'.repeat(BODY_LIMIT - 100) });
      expect(payload.length).toBeLessThan(BODY_LIMIT);
      const res = await app.inject({ method: 'POST', url: TOKEN, headers: json, payload });
      // Parsed, then refused by the schema (audience ≤ 200 chars): not a 413.
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors?.map((e) => e.path)).toEqual(['body.audience']);
    });

    it('any body with any content type gets a 2xx or a 4xx problem (property)', async () => {
      const contentTypes = fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/octet-stream',
        'multipart/form-data; boundary=x',
        'application/xml',
      );
      const bodies = fc.oneof(
        fc.json().map((j) => j),
        fc.string(),
        fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
      );
      await fc.assert(
        fc.asyncProperty(contentTypes, bodies, async (contentType, payload) => {
          const res = await app.inject({
            method: 'POST',
            url: TOKEN,
            headers: { 'content-type': contentType },
            payload,
          });
          if (res.statusCode === 200) return;
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
          expect(res.statusCode).toBeLessThan(500);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.json<{ requestId: string }>().requestId).toBe(res.headers['x-request-id']);
        }),
        { numRuns: 150 },
      );
    });
  });

  describe('headers and query strings', () => {
    it('GET /api/v1/me with an over-long Latchkey-Tenant is validation_failed naming the header', async () => {
      const res = await app.inject({
        url: '/api/v1/me',
        headers: { authorization: bearer, 'latchkey-tenant': 't'.repeat(81) },
      });
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors?.map((e) => e.path)).toEqual(['headers.latchkey-tenant']);
    });

    it.each(['no-such-tenant', 'demo; drop table tenants', '../demo', 'ten_00000000000000000000000000'])(
      'GET /api/v1/me with Latchkey-Tenant %j the caller is not in is not_found',
      async (tenant) => {
        const res = await app.inject({
          url: '/api/v1/me',
          headers: { authorization: bearer, 'latchkey-tenant': tenant },
        });
        expectProblem(res, 404, 'not_found');
      },
    );

    it('GET /auth/login with a huge returnTo is validation_failed naming the parameter', async () => {
      const res = await app.inject({ url: `/auth/login?returnTo=/${'a'.repeat(10_000)}` });
      const problem = expectProblem(res, 400, 'validation_failed');
      expect(problem.errors?.map((e) => e.path)).toEqual(['querystring.returnTo']);
    });

    it('GET /auth/callback without state is login_failed', async () => {
      expectProblem(await app.inject({ url: '/auth/callback' }), 400, 'login_failed');
      expectProblem(await app.inject({ url: '/auth/callback?code=abc' }), 400, 'login_failed');
    });

    it('GET /auth/callback with an unknown state is login_failed', async () => {
      const res = await app.inject({ url: '/auth/callback?code=abc&state=forged' });
      expectProblem(res, 400, 'login_failed');
    });
  });

  describe('unknown routes and malformed URLs', () => {
    it.each<HTTPMethods>(['GET', 'POST', 'DELETE', 'PATCH'])(
      '%s on an unknown path is route_not_found',
      async (method) => {
        const res = await app.inject({ method, url: '/api/v1/no-such-thing?x=1' });
        const problem = expectProblem(res, 404, 'route_not_found');
        expect(problem.detail).toBe(`no route for ${method} /api/v1/no-such-thing`);
      },
    );

    it('a known path with a method it does not have is route_not_found', async () => {
      expectProblem(await app.inject({ method: 'DELETE', url: '/api/v1/me' }), 404, 'route_not_found');
    });

    it('POST to an unknown path with a JSON body is still route_not_found', async () => {
      const res = await app.inject({ method: 'POST', url: '/nope', payload: { a: 1 } });
      expectProblem(res, 404, 'route_not_found');
    });

    it.each(['/%zz', '/api/v1/%E0%A4%A', '/dev-idp/interaction/%zz'])(
      'malformed percent-encoding in %s is bad_request, not the framework JSON',
      async (url) => {
        expectProblem(await app.inject({ url }), 400, 'bad_request');
      },
    );
  });

  describe('request ids', () => {
    it('echoes a sane caller-supplied X-Request-Id in the header and the problem', async () => {
      const res = await app.inject({ url: '/nope', headers: { 'x-request-id': 'trace-42.a:b_c' } });
      expect(expectProblem(res, 404, 'route_not_found').requestId).toBe('trace-42.a:b_c');
      const ok = await app.inject({ url: '/health', headers: { 'x-request-id': 'trace-43' } });
      expect(ok.headers['x-request-id']).toBe('trace-43');
    });

    it.each([
      ['spaces', 'has spaces in it'],
      ['200 characters', 'a'.repeat(200)],
      ['markup', '<script>alert(1)</script>'],
      ['a log-injection attempt', 'x","level":60,"msg":"forged'],
    ])('replaces an insane X-Request-Id (%s) with a fresh one', async (_name, given) => {
      const res = await app.inject({ url: '/nope', headers: { 'x-request-id': given } });
      const problem = expectProblem(res, 404, 'route_not_found');
      expect(problem.requestId).not.toBe(given);
      expect(problem.requestId).toMatch(/^req_[a-z0-9]+$/);
    });

    it('gives every request its own id', async () => {
      const ids = await Promise.all(
        Array.from({ length: 5 }, async () => (await app.inject({ url: '/nope' })).headers['x-request-id']),
      );
      expect(new Set(ids).size).toBe(5);
    });
  });

  it('logged every refusal above at info level, never at error', () => {
    const entries = log
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(entries.some((e) => e.msg === 'request refused')).toBe(true);
    expect(entries.filter((e) => e.level >= 50)).toEqual([]);
  });
});

describe('unexpected errors become a generic 500 carrying the request id', () => {
  const log = captureLog();
  const app = Fastify({ logger: { ...loggerOptions('info'), stream: log.stream }, genReqId });

  beforeAll(async () => {
    installProblemHandlers(app);
    app.get('/boom', () => {
      throw new Error('db password=hunter2');
    });
    app.get('/boom-async', async () => {
      await Promise.resolve();
      throw new Error('connect ECONNREFUSED 10.0.0.7:5432 user=latchkey password=hunter2');
    });
    app.get('/library-400', () => {
      // A library error that claims to be the client's fault: its message is still not shown.
      throw Object.assign(new Error('token table row 17 secret=hunter2'), { statusCode: 400 });
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it.each(['/boom', '/boom-async'])(
    '%s answers internal_error without the message; the log has the cause',
    async (url) => {
      const res = await app.inject({ url, headers: { 'x-request-id': `case${url.replace('/', '-')}` } });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).not.toContain('hunter2');
      expect(res.body).not.toContain('password');
      const problem = res.json<{ code: string; requestId: string; detail: string; title: string }>();
      expect(problem.code).toBe('internal_error');
      expect(problem.requestId).toBe(`case${url.replace('/', '-')}`);
      expect(problem.detail).toContain(problem.requestId);
      expect(problem.title).toBe('Internal server error');

      const logged = log
        .text()
        .split('\n')
        .filter((l) => l.includes(problem.requestId) && l.includes('"level":50'));
      expect(logged.length).toBeGreaterThan(0);
      expect(logged.join('\n')).toContain('hunter2');
      expect(logged.join('\n')).toContain('internal_error');
    },
  );

  it('a 4xx-flavoured library error is a generic bad_request that does not echo its message', async () => {
    const res = await app.inject({ url: '/library-400' });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('hunter2');
    expect(res.json<{ code: string }>().code).toBe('bad_request');
  });
});
