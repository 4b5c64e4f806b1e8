import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { page } from '../../http/html.js';
import type { AppServices } from '../../services.js';

// Until the full console lands: list your connections with status and expiry, connect a service
// of the catalogue, refresh or disconnect. Only DOM APIs and same-origin fetches (session cookie).
const script = `
const table = document.getElementById('connections');
const actions = document.getElementById('connect');
const status = document.getElementById('status');
const say = (text) => { status.textContent = text; };
const send = (method, url, body) => fetch(url, {
  method, credentials: 'same-origin',
  headers: body === undefined ? {} : { 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
});
function cell(row, text) { const td = document.createElement('td'); td.textContent = text; row.append(td); return td; }
async function load() {
  const res = await send('GET', '/api/v1/connections');
  if (res.status === 401) { location.href = '/auth/login?returnTo=' + encodeURIComponent('/console/connections'); return; }
  const { items } = await res.json();
  table.replaceChildren();
  for (const c of items) {
    const tr = document.createElement('tr');
    tr.dataset.service = c.service;
    cell(tr, c.serviceName);
    cell(tr, c.status).className = 'status';
    cell(tr, c.expiresAt === null ? '—' : new Date(c.expiresAt).toLocaleString()).className = 'expires';
    const td = cell(tr, '');
    for (const [label, run] of [
      ['Refresh', () => send('POST', '/api/v1/connections/' + c.id + '/refresh')],
      ['Disconnect', () => confirm('Disconnect ' + c.serviceName + '?') && send('DELETE', '/api/v1/connections/' + c.id)],
    ]) {
      const b = document.createElement('button');
      b.textContent = label;
      b.onclick = async () => { const r = await run(); if (r && !r.ok) say((await r.json()).detail); await load(); };
      td.append(b);
    }
    table.append(tr);
  }
  if (items.length === 0) { const tr = document.createElement('tr'); cell(tr, 'No connection yet.').colSpan = 4; table.append(tr); }
}
async function services() {
  const res = await send('GET', '/api/v1/services');
  if (!res.ok) return;
  for (const s of (await res.json()).items) {
    const b = document.createElement('button');
    b.textContent = 'Connect ' + s.name;
    b.onclick = async () => {
      const r = await send('POST', '/api/v1/connections', { service: s.id, returnTo: '/console/connections' });
      const body = await r.json();
      if (r.status === 202) location.href = body.authorizationUrl;
      else if (r.ok) { say(s.name + ' is already connected.'); await load(); }
      else say(body.detail);
    };
    actions.append(b);
  }
}
const connected = new URLSearchParams(location.search).get('connected');
if (connected) say('Connected ' + connected + '.');
await load();
await services();
`;

/** `/console/connections`: your connections, in the browser. */
export const connectionsConsoleRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const html = page(
    'Connections — Latchkey',
    `<h1>Connections</h1>
     <p id="status" role="status" aria-live="polite"></p>
     <table><thead><tr><th scope="col">Service</th><th scope="col">Status</th><th scope="col">Expires</th><th scope="col">Actions</th></tr></thead>
     <tbody id="connections"></tbody></table>
     <p id="connect"></p>
     <p><a href="/">Home</a></p>`,
    { devBanner: services.config.devMode, script: '/console/connections.js' },
  );
  app.get('/console/connections', { config: { auth: 'none' }, schema: { hide: true } }, (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      )
      .send(html),
  );
  app.get(
    '/console/connections.js',
    { config: { auth: 'none' }, schema: { hide: true } },
    (_request, reply) => reply.type('text/javascript; charset=utf-8').send(script),
  );
};
