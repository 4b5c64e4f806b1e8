import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.js';
import { openStore, type Store } from '../src/store/db.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { captureLog, expectProblem } from './helpers/http.js';

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, OperationDoc>>;
  components: { schemas: Record<string, SchemaDoc> };
}
interface OperationDoc {
  parameters?: { in: string; name: string; required?: boolean; schema: SchemaDoc }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: SchemaDoc }> };
  responses: Record<string, { content?: Record<string, { schema: SchemaDoc }> }>;
}
interface SchemaDoc {
  $ref?: string;
  type?: string;
  required?: string[];
  properties?: Record<string, SchemaDoc>;
  additionalProperties?: boolean;
  maxLength?: number;
}

describe('operating endpoints: health, readiness, metrics, API reference, logs', () => {
  const data = tempDataDir();
  const log = captureLog();
  let store: Store;
  let app: FastifyInstance;

  beforeAll(async () => {
    store = await openStore({ pgliteDir: 'memory://' });
    // trace: the most a misconfigured deployment could log.
    ({ app } = await buildApp(testConfig(data.dir, { log: { level: 'trace' } }), {
      store,
      logStream: log.stream,
    }));
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    data.cleanup();
  });

  it('/health is live without credentials', async () => {
    const res = await app.inject('/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/ready is ready once the store answers and migrations are applied', async () => {
    const res = await app.inject('/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', store: 'pglite' });
  });

  describe('/metrics', () => {
    it('is Prometheus text with the HTTP histogram labelled by route template', async () => {
      expect((await app.inject('/dev-idp/interaction/uid-abc123')).statusCode).toBe(400);
      expect((await app.inject('/auth/callback?code=METRICCODE&state=METRICSTATE')).statusCode).toBe(400);
      expect((await app.inject('/no-such-route/xyz-987')).statusCode).toBe(404);

      // onResponse runs once the answer is sent: wait for the last observation to land.
      const body = await vi.waitFor(async () => {
        const res = await app.inject('/metrics');
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
        expect(res.body).toContain('route="unmatched"');
        return res.body;
      });
      expect(body).toContain('# TYPE latchkey_http_request_duration_seconds histogram');
      const series = body
        .split('\n')
        .filter((l) => l.startsWith('latchkey_http_request_duration_seconds_count'));
      expect(series).toContainEqual(
        expect.stringMatching(/\{method="GET",route="\/dev-idp\/interaction\/:uid",status="400"\} 1$/),
      );
      expect(series).toContainEqual(
        expect.stringMatching(/\{method="GET",route="\/auth\/callback",status="400"\} 1$/),
      );
      // The raw URLs never become label values (unbounded cardinality, and secrets in queries).
      for (const raw of ['uid-abc123', 'METRICCODE', 'METRICSTATE', 'xyz-987'])
        expect(body).not.toContain(raw);
    });

    it('counts refused credentials by reason', async () => {
      expect((await app.inject('/api/v1/me')).statusCode).toBe(401);
      const res = await app.inject('/metrics');
      expect(res.body).toMatch(/^latchkey_auth_failures_total\{reason="unauthenticated"\} [1-9]\d*$/m);
    });

    it('includes the process metrics under the latchkey_ prefix', async () => {
      const res = await app.inject('/metrics');
      expect(res.body).toMatch(/^latchkey_process_cpu_seconds_total /m);
    });
  });

  describe('/api/v1/openapi.json', () => {
    let doc: OpenApiDoc;

    beforeAll(async () => {
      const res = await app.inject('/api/v1/openapi.json');
      expect(res.statusCode).toBe(200);
      doc = res.json<OpenApiDoc>();
    });

    it('is OpenAPI 3.1.0, public', () => {
      expect(doc.openapi).toBe('3.1.0');
    });

    it('documents the proxy, which no route schema describes, with Latchkey’s own refusals', () => {
      const proxy = doc.paths['/proxy/{service}/{path}'];
      expect(Object.keys(proxy ?? {})).toEqual(
        expect.arrayContaining(['get', 'put', 'post', 'patch', 'delete', 'head', 'options']),
      );
      const responses = proxy?.get?.responses ?? {};
      expect(Object.keys(responses)).toEqual(expect.arrayContaining(['default', '401', '403', '409', '429']));
      expect(Object.keys(responses['409']?.content ?? {})).toEqual(['application/problem+json']);
    });

    it('documents GET /api/v1/me with its tenant header and response schema', () => {
      const me = doc.paths['/api/v1/me']?.get;
      expect(me).toBeDefined();
      expect(me?.parameters).toContainEqual({
        in: 'header',
        name: 'latchkey-tenant',
        required: false,
        schema: { type: 'string', maxLength: 80 },
      });
      const ref = me?.responses['200']?.content?.['application/json']?.schema.$ref;
      expect(ref).toBe('#/components/schemas/Me');
      const schema = doc.components.schemas.Me;
      expect(schema?.required).toEqual([
        'credential',
        'user',
        'tenant',
        'memberships',
        'operator',
        'apiToken',
      ]);
      expect(Object.keys(schema?.properties?.user?.properties ?? {})).toEqual([
        'id',
        'issuer',
        'subject',
        'email',
        'name',
        'platformAdmin',
      ]);
    });

    it('documents POST /dev-idp/token with its strict body and its answer', () => {
      const token = doc.paths['/dev-idp/token']?.post;
      expect(token).toBeDefined();
      const body = token?.requestBody?.content['application/json']?.schema;
      expect(token?.requestBody?.required).toBe(true);
      expect(body?.required).toEqual(['user']);
      expect(Object.keys(body?.properties ?? {})).toEqual(['user', 'audience', 'expiresIn']);
      expect(body?.additionalProperties).toBe(false);
      const answer = token?.responses['200']?.content?.['application/json']?.schema;
      expect(answer?.required).toEqual(['access_token', 'token_type', 'expires_in']);
    });

    it('leaves out hidden routes (metrics, the document itself, the IdP internals)', () => {
      const paths = Object.keys(doc.paths);
      expect(paths).not.toContain('/metrics');
      expect(paths).not.toContain('/api/v1/openapi.json');
      expect(paths.filter((p) => p.startsWith('/dev-idp/'))).toEqual(['/dev-idp/token']);
      expect(paths.filter((p) => p.startsWith('/api/v1/docs'))).toEqual([]);
    });
  });

  describe('/api/v1/docs/', () => {
    it('serves an HTML page whose assets all come from this server', async () => {
      const res = await app.inject('/api/v1/docs/');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const html = res.body;
      expect(html).toMatch(/<div id="swagger-ui">/);
      // No absolute URL at all, hence none to another host (CDNs, fonts, trackers).
      expect(html.match(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/gi) ?? []).toEqual([]);
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
      expect(assets.length).toBeGreaterThanOrEqual(3);
      for (const asset of assets) {
        const url = new URL(asset, 'http://latchkey.test/api/v1/docs/');
        expect(url.host, asset).toBe('latchkey.test');
        const served = await app.inject(url.pathname);
        expect(served.statusCode, asset).toBe(200);
      }
    });

    it('sends a content security policy that limits scripts to this server', async () => {
      const res = await app.inject('/api/v1/docs/');
      expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    });
  });

  describe('logs are JSON lines with the request id and no secrets', () => {
    const lines = (): Record<string, unknown>[] =>
      log
        .text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);

    it('keeps OAuth codes and states of the callback out of the log', async () => {
      const res = await app.inject('/auth/callback?code=SECRETCODE&state=SECRETSTATE&iss=https%3A%2F%2Fidp');
      expect(res.statusCode).toBe(400);
      const text = log.text();
      expect(text).not.toContain('SECRETCODE');
      expect(text).not.toContain('SECRETSTATE');
      // The request itself was logged, with the values censored and the harmless one kept.
      const urls = lines().map((l) => (l.req as { url?: string } | undefined)?.url);
      expect(urls).toContain('/auth/callback?code=[redacted]&state=[redacted]&iss=https://idp');
    });

    it.each(['access_token', 'refresh_token', 'token', 'client_secret', 'password', 'CODE'])(
      'censors the %s query parameter on any route',
      async (name) => {
        const secret = `SECRET-${name}-VALUE`;
        await app.inject(`/no-such-route?${name}=${secret}`);
        await app.inject(`/health?x=1&${name}=${secret}`);
        expect(log.text()).not.toContain(secret);
      },
    );

    it('keeps the Authorization header, a valid token and the session cookie out of the log', async () => {
      const minted = await app.inject({ method: 'POST', url: '/dev-idp/token', payload: { user: 'alice' } });
      const token = minted.json<{ access_token: string }>().access_token;
      const signature = token.split('.')[2] ?? '';
      expect(signature.length).toBeGreaterThan(20);

      expect(
        (await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode,
      ).toBe(200);
      expect(
        (await app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer SECRETBEARER.abc.def' } }))
          .statusCode,
      ).toBe(401);
      expect(
        (await app.inject({ url: '/api/v1/me', headers: { authorization: 'Basic U0VDUkVUQkFTSUM6cHc=' } }))
          .statusCode,
      ).toBe(401);
      expect(
        (await app.inject({ url: '/api/v1/me', headers: { cookie: 'lk_session=SECRETCOOKIE' } })).statusCode,
      ).toBe(401);

      const text = log.text();
      for (const secret of [signature, 'SECRETBEARER', 'U0VDUkVUQkFTSUM6cHc', 'SECRETCOOKIE']) {
        expect(text).not.toContain(secret);
      }
    });

    it('tags every line of a request with its id', async () => {
      const res = await app.inject({ url: '/health', headers: { 'x-request-id': 'ops-trace-1' } });
      expect(res.headers['x-request-id']).toBe('ops-trace-1');
      const mine = lines().filter((l) => l.reqId === 'ops-trace-1');
      expect(mine.map((l) => l.msg)).toEqual(
        expect.arrayContaining(['incoming request', 'request completed']),
      );
    });
  });
});

describe('readiness follows the store', () => {
  const data = tempDataDir();
  let store: Store;
  let app: FastifyInstance;

  beforeAll(async () => {
    store = await openStore({ pgliteDir: 'memory://' });
    ({ app } = await buildApp(testConfig(data.dir), { store }));
  });
  afterAll(async () => {
    await app.close();
    data.cleanup();
  });

  it('answers 503 not_ready once the store is closed, while /health stays live', async () => {
    expect((await app.inject('/ready')).statusCode).toBe(200);
    await store.close();
    const problem = expectProblem(await app.inject('/ready'), 503, 'not_ready');
    expect(problem.detail).toBe('the store does not answer');
    expect((await app.inject('/health')).statusCode).toBe(200);
  });
});
