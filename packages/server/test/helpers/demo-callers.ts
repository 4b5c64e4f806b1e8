import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

/**
 * The callers of the tenancy tests, as Authorization header values: the demo users with their
 * everyday token, `olgaOp` (platform admin, operator audience), `aliceOp` (operator audience but
 * no platform-admin flag) and `adamToken` (an API token of the demo tenant's admin).
 */
export type Caller = 'alice' | 'gina' | 'adam' | 'olga' | 'olgaOp' | 'aliceOp' | 'adamToken';

export async function signInDemoCallers(app: FastifyInstance): Promise<Record<Caller, string>> {
  const idp = async (user: string, audience?: string): Promise<string> => {
    const res = await app.inject({
      method: 'POST',
      url: '/dev-idp/token',
      payload: audience === undefined ? { user } : { user, audience },
    });
    expect(res.statusCode, res.body).toBe(200);
    const header = `Bearer ${res.json<{ access_token: string }>().access_token}`;
    // First sight creates the user and syncs memberships and the platform-admin flag.
    const me = await app.inject({ url: '/api/v1/me', headers: { authorization: header } });
    expect(me.statusCode, me.body).toBe(200);
    return header;
  };
  const callers = {
    alice: await idp('alice'),
    gina: await idp('gina'),
    adam: await idp('adam'),
    olga: await idp('olga'),
    olgaOp: await idp('olga', 'latchkey-operator'),
    aliceOp: await idp('alice', 'latchkey-operator'),
  };
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/api-tokens',
    headers: { authorization: callers.adam },
    payload: {
      name: `tenancy ${Date.now()}`,
      services: ['*'],
      permissions: ['read', 'write'],
      expiresInDays: 7,
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  return { ...callers, adamToken: `Bearer ${created.json<{ token: string }>().token}` };
}
