/*
 * The yardstick SPEC §12 gives for the bare proxy of bench/proxy.ts: a Fastify +
 * `@fastify/reply-from` pass-through, which the bare `node:http` + undici proxy should beat by
 * ~1.5× on a 2-core machine (~1.3–1.5× says the proxy issue). Printing both in one run shows
 * whether the baseline Latchkey is held to is the one the bar means. Same undici pool settings as
 * the bare proxy; no logger.
 * Run as a script with the upstream origin as argv[2], it prints its port on stdout.
 */
import replyFrom from '@fastify/reply-from';
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';

const upstream = process.argv[2];
if (upstream === undefined) throw new Error('usage: reply-from-proxy.ts <upstream origin>');

const app = Fastify({ logger: false, keepAliveTimeout: 60_000 });
await app.register(replyFrom, {
  base: upstream,
  undici: { connections: 128, keepAliveTimeout: 4_000 },
});
app.all('/*', (request, reply) => reply.from(request.url));
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${(app.server.address() as AddressInfo).port}\n`);
