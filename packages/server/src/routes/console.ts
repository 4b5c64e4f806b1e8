import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { page } from '../http/html.js';
import type { AppServices } from '../services.js';

// Until the React console lands, this page proves the sign-in loop: who am I, where do I belong.
const consoleScript = `
const out = document.getElementById('who');
const res = await fetch('/api/v1/me', { credentials: 'same-origin' });
if (res.ok) {
  const me = await res.json();
  out.textContent = '';
  const p = document.createElement('p');
  p.textContent = 'Signed in as ' + (me.user.name ?? me.user.subject) + ' <' + (me.user.email ?? '') + '>' +
    (me.user.platformAdmin ? ' — platform admin' : '');
  out.append(p);
  const ul = document.createElement('ul');
  for (const m of me.memberships) {
    const li = document.createElement('li');
    li.textContent = m.name + ' (' + m.slug + '): ' + m.role;
    ul.append(li);
  }
  out.append(ul);
  const b = document.createElement('button');
  b.textContent = 'Sign out';
  b.onclick = async () => { await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' }); location.reload(); };
  out.append(b);
} else {
  out.innerHTML = '<p><a href="/auth/login">Sign in</a></p>';
}
`;

/** The console entry point. */
export const consoleRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (app, { services }) => {
  const dev = services.config.devMode;
  const html = page(
    'Latchkey',
    `<h1>Latchkey</h1>
     <p>One credential for every service of your suite.</p>
     <div id="who" aria-live="polite"><p><a href="/auth/login">Sign in</a></p></div>
     ${dev ? '<p>Demo users: <code>alice</code> (member), <code>gina</code> (guest), <code>adam</code> (tenant admin), <code>olga</code> (platform admin).</p>' : ''}
     <p><a href="/api/v1/docs">API reference</a></p>`,
    { devBanner: dev, script: '/console/app.js' },
  );
  app.get('/', { config: { auth: 'none' }, schema: { hide: true } }, (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      )
      .send(html),
  );
  app.get('/console/app.js', { config: { auth: 'none' }, schema: { hide: true } }, (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(consoleScript),
  );
};
