import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { z } from 'zod';
import { DEMO_AUDIENCE, DEMO_PREFIX } from './demo-service.js';

interface Note {
  id: string;
  title: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

const noteInput = z
  .object({ title: z.string().min(1).max(200), body: z.string().max(10_000).default('') })
  .strict();
const noteSchema = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const idParams = z.object({ id: z.string().min(1).max(64) });

/**
 * The demo service of the embedded default (SPEC §11): a small notes API standing in for a
 * downstream service of the suite. Like any resource server it trusts only its own audience: a
 * JWT access token (RFC 9068) from the development IdP with `aud` = `demo`. Latchkey reaches it
 * only through a connection. Notes live in memory — this is the stand-in for another system,
 * not Latchkey state — one notebook per subject, at most 100 notes each.
 */
export const demoNotesRoutes: FastifyPluginAsyncZod<{ issuer: string; publicJwk: JWK }> = async (
  app,
  { issuer, publicJwk },
) => {
  const jwks = createLocalJWKSet({ keys: [publicJwk] });
  app.decorateRequest('demoSubject', '');
  const notebooks = new Map<string, Map<string, Note>>();

  /** RFC 6750 §3: every refusal names the realm and, for a bad token, `invalid_token`. */
  function refuse(reply: FastifyReply, description: string | undefined): FastifyReply {
    const challenge =
      description === undefined
        ? 'Bearer realm="demo"'
        : `Bearer realm="demo", error="invalid_token", error_description="${description}"`;
    return reply.code(401).header('www-authenticate', challenge).send({ error: 'invalid_token' });
  }

  async function subjectOf(request: FastifyRequest): Promise<string | undefined> {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(request.headers.authorization ?? '');
    if (match?.[1] === undefined) return undefined;
    try {
      const { payload } = await jwtVerify(match[1], jwks, {
        issuer,
        audience: DEMO_AUDIENCE,
        algorithms: ['RS256'],
        typ: 'at+jwt',
      });
      return payload.sub;
    } catch {
      return undefined;
    }
  }

  const notebook = (sub: string): Map<string, Note> => {
    let book = notebooks.get(sub);
    if (book === undefined) {
      book = new Map();
      notebooks.set(sub, book);
    }
    return book;
  };

  app.addHook('onRequest', async (request, reply) => {
    const sub = await subjectOf(request);
    if (sub === undefined) {
      return refuse(
        reply,
        request.headers.authorization === undefined ? undefined : 'not a demo access token',
      );
    }
    request.demoSubject = sub;
    return undefined;
  });

  const common = { config: { auth: 'none' as const }, schema: { tags: ['demo'] } };

  app.get(
    `${DEMO_PREFIX}/notes`,
    {
      ...common,
      schema: {
        ...common.schema,
        summary: 'Demo API: list notes',
        response: { 200: z.object({ items: z.array(noteSchema) }) },
      },
    },
    (request) => ({
      items: [...notebook(request.demoSubject).values()],
    }),
  );

  app.get(
    `${DEMO_PREFIX}/notes/:id`,
    { ...common, schema: { ...common.schema, summary: 'Demo API: read a note', params: idParams } },
    (request, reply) => {
      const note = notebook(request.demoSubject).get(request.params.id);
      return note === undefined ? reply.code(404).send({ error: 'not_found' }) : reply.send(note);
    },
  );

  app.post(
    `${DEMO_PREFIX}/notes`,
    { ...common, schema: { ...common.schema, summary: 'Demo API: create a note', body: noteInput } },
    (request, reply) => {
      const book = notebook(request.demoSubject);
      if (book.size >= 100) return reply.code(409).send({ error: 'notebook_full' });
      const now = new Date().toISOString();
      const note: Note = { id: randomUUID(), ...request.body, createdAt: now, updatedAt: now };
      book.set(note.id, note);
      return reply.code(201).header('location', `${DEMO_PREFIX}/notes/${note.id}`).send(note);
    },
  );

  app.put(
    `${DEMO_PREFIX}/notes/:id`,
    {
      ...common,
      schema: { ...common.schema, summary: 'Demo API: update a note', params: idParams, body: noteInput },
    },
    (request, reply) => {
      const book = notebook(request.demoSubject);
      const note = book.get(request.params.id);
      if (note === undefined) return reply.code(404).send({ error: 'not_found' });
      const updated: Note = { ...note, ...request.body, updatedAt: new Date().toISOString() };
      book.set(note.id, updated);
      return reply.send(updated);
    },
  );

  app.delete(
    `${DEMO_PREFIX}/notes/:id`,
    { ...common, schema: { ...common.schema, summary: 'Demo API: delete a note', params: idParams } },
    (request, reply) => {
      const deleted = notebook(request.demoSubject).delete(request.params.id);
      return deleted ? reply.code(204).send() : reply.code(404).send({ error: 'not_found' });
    },
  );
};

declare module 'fastify' {
  interface FastifyRequest {
    /** Demo API only: the subject of its verified access token. */
    demoSubject: string;
  }
}
