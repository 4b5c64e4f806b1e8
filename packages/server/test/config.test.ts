import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, createConfig, loadConfig, type Config } from '../src/config/load.js';
import { tempDataDir } from './helpers/config.js';

type Env = Record<string, string>;

const key32 = (): string => randomBytes(32).toString('base64');

/** The problems of a configuration that must be refused. */
function problemsOf(build: () => Config): readonly string[] {
  try {
    build();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('the configuration was accepted');
}

/** A production-shaped configuration: one IdP, explicit keys. */
const productionInput = (k: string) => ({
  idp: { issuers: [{ issuer: 'https://auth.example.com' }] },
  encryption: { keys: [{ id: 'k1', key: k }] },
});

const files = tempDataDir();
afterAll(() => {
  files.cleanup();
});

describe('validation lists every problem at once, each with its path', () => {
  it('three bad fields give three problems naming them', () => {
    const problems = problemsOf(() =>
      createConfig({ server: { port: 70_000, host: '' }, log: { level: 'loud' } }, {}),
    );
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('server.port: '))).toBeDefined();
    expect(problems.find((p) => p.startsWith('server.host: '))).toBeDefined();
    expect(problems.find((p) => p.startsWith('log.level: '))).toBeDefined();
  });

  it('the error message lists each problem on its own line', () => {
    try {
      createConfig({ server: { port: -1 }, session: { ttlSeconds: 1 } }, {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as ConfigError).message;
      expect(message).toMatch(/^invalid configuration:\n/);
      expect(message).toMatch(/\n {2}- server\.port: /);
      expect(message).toMatch(/\n {2}- session\.ttlSeconds: /);
    }
  });

  it('names nested list items and unknown keys by path', () => {
    const problems = problemsOf(() =>
      createConfig(
        {
          server: { prot: 8080 },
          services: [
            {
              id: 'files',
              name: 'Drive',
              baseUrl: 'https://files.example.com/',
              connector: { type: 'oidc', issuer: 'https://auth.example.com', clientId: 'latchkey-files' },
            },
            { id: 'Mail!', name: 'Mail', baseUrl: 'ftp://mail.example.com/', connector: {} },
          ],
        },
        {},
      ),
    );
    expect(problems.some((p) => p.startsWith('server: ') && p.includes('prot'))).toBe(true);
    expect(problems.some((p) => p.startsWith('services.1.id: '))).toBe(true);
    expect(problems.some((p) => p.startsWith('services.1.baseUrl: '))).toBe(true);
    expect(problems.some((p) => p.startsWith('services.1.connector.type: '))).toBe(true);
    expect(problems.some((p) => p.startsWith('services.0'))).toBe(false);
  });

  it('never echoes a refused secret value', () => {
    const secret = 'this-is-not-base64-but-a-password!';
    const problems = problemsOf(() =>
      createConfig({ encryption: { keys: [{ id: 'k1', key: secret }] } }, {}),
    );
    expect(problems).toEqual(['encryption.keys.0.key: must be 32 bytes, base64-encoded']);
  });

  it('lists policy problems alongside schema problems (production, bad port, no keys)', () => {
    // Regression: the NODE_ENV=production checks used to run only once the schema passed, so a
    // second start revealed problems the first one should have listed.
    const problems = problemsOf(() =>
      createConfig({ server: { port: 'eighty' }, dev: { enabled: true } }, { NODE_ENV: 'production' }),
    );
    expect(problems.map((p) => p.split(':')[0])).toEqual(['server.port', 'dev.enabled', 'encryption.keys']);
  });
});

describe('${VAR} substitution', () => {
  it('replaces variables in any string value, nested in lists too', () => {
    const config = createConfig(
      {
        server: { publicUrl: 'https://${LK_HOST}:${LK_PORT}/' },
        services: [
          {
            id: 'files',
            name: 'Drive',
            baseUrl: 'https://files.example.com/dav/',
            connector: {
              type: 'oidc',
              issuer: 'https://auth.example.com',
              clientId: 'latchkey-files',
              clientSecret: '${FILES_SECRET}',
            },
          },
        ],
      },
      { LK_HOST: 'latchkey.example.com', LK_PORT: '8443', FILES_SECRET: 's3cr3t' },
    );
    expect(config.server.publicUrl).toBe('https://latchkey.example.com:8443');
    expect(config.services[0]?.connector).toMatchObject({ type: 'oidc', clientSecret: 's3cr3t' });
  });

  it('a missing variable is one problem naming the option path and the variable', () => {
    const problems = problemsOf(() =>
      createConfig(
        {
          encryption: { keys: [{ id: 'k1', key: '${LATCHKEY_KEY_K1}' }] },
          idp: {
            console: { issuer: 'https://auth.example.com', clientId: 'c', clientSecret: '${CONSOLE_SECRET}' },
          },
        },
        { CONSOLE_SECRET: 'set' },
      ),
    );
    // Only the cause: not also "must be 32 bytes" about the empty string left in its place.
    expect(problems).toEqual(['encryption.keys.0.key: environment variable LATCHKEY_KEY_K1 is not set']);
  });

  it('substitutes once: a variable whose value looks like ${OTHER} stays literal', () => {
    const config = createConfig(
      { tenants: [{ slug: 'acme', name: '${NAME}' }] },
      { NAME: '${SECRET}', SECRET: 'leaked' },
    );
    expect(config.tenants[0]?.name).toBe('${SECRET}');
  });

  it('leaves $VAR without braces and non-string values alone', () => {
    const config = createConfig(
      { tenants: [{ slug: 'acme', name: 'Cost $HOME' }], server: { port: 0 } },
      {
        HOME: '/root',
      },
    );
    expect(config.tenants[0]?.name).toBe('Cost $HOME');
    expect(config.server.port).toBe(0);
  });
});

describe('LATCHKEY_* environment overrides', () => {
  it('override the file: port, host, public URL, database URL, data dir, log level', () => {
    const config = createConfig(
      { server: { port: 8081, host: '127.0.0.1' }, database: { url: 'postgres://file@db/latchkey' } },
      {
        LATCHKEY_PORT: '9090',
        LATCHKEY_HOST: '0.0.0.0',
        LATCHKEY_PUBLIC_URL: 'https://lk.example.com/',
        LATCHKEY_DATABASE_URL: 'postgresql://env@db:5432/latchkey',
        LATCHKEY_DATA_DIR: '/var/lib/latchkey',
        LATCHKEY_LOG_LEVEL: 'warn',
      },
    );
    expect(config.server.port).toBe(9090);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.server.publicUrl).toBe('https://lk.example.com');
    expect(config.database.url).toBe('postgresql://env@db:5432/latchkey');
    expect(config.dataDir).toBe('/var/lib/latchkey');
    expect(config.log.level).toBe('warn');
  });

  it('an empty variable is ignored', () => {
    const config = createConfig({ server: { port: 8081 } }, { LATCHKEY_PORT: '', LATCHKEY_HOST: '' });
    expect(config.server.port).toBe(8081);
    expect(config.server.host).toBe('127.0.0.1');
  });

  it('a bad override is a problem at the option path it overrides', () => {
    const problems = problemsOf(() =>
      createConfig({}, { LATCHKEY_PORT: 'http', LATCHKEY_DATABASE_URL: 'mysql://db', LATCHKEY_DEV: 'maybe' }),
    );
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'database.url',
      'dev.enabled',
      'server.port',
    ]);
  });

  it.each([
    ['1', true],
    ['true', true],
    ['yes', true],
    ['ON', true],
    ['0', false],
    ['false', false],
    ['no', false],
    ['off', false],
  ])('LATCHKEY_DEV=%s → development mode %s', (value, expected) => {
    const config = createConfig(productionInput(key32()), { LATCHKEY_DEV: value });
    expect(config.dev.enabled).toBe(expected);
    expect(config.devMode).toBe(expected);
  });

  it('LATCHKEY_ENCRYPTION_KEYS is id:base64 pairs, first one first', () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const config = createConfig(
      { encryption: { keys: [{ id: 'file', key: key32() }] } },
      { LATCHKEY_ENCRYPTION_KEYS: `k2026b:${k2.toString('base64')},k2026a:${k1.toString('base64')}` },
    );
    expect(config.encryption.keys?.map((k) => k.id)).toEqual(['k2026b', 'k2026a']);
    expect(config.encryption.keys?.[0]?.key.equals(k2)).toBe(true);
    expect(config.encryption.keys?.[1]?.key.equals(k1)).toBe(true);
  });

  it('LATCHKEY_ENCRYPTION_KEYS with a short key is refused at its path', () => {
    const problems = problemsOf(() =>
      createConfig({}, { LATCHKEY_ENCRYPTION_KEYS: `k1:${randomBytes(16).toString('base64')}` }),
    );
    expect(problems).toEqual(['encryption.keys.0.key: must be 32 bytes, base64-encoded']);
  });
});

describe('NODE_ENV=production', () => {
  const production: Env = { NODE_ENV: 'production' };

  it('refuses development mode set explicitly (file or LATCHKEY_DEV)', () => {
    const k = key32();
    expect(
      problemsOf(() => createConfig({ ...productionInput(k), dev: { enabled: true } }, production)),
    ).toEqual(['dev.enabled: development mode is refused when NODE_ENV=production']);
    expect(problemsOf(() => createConfig(productionInput(k), { ...production, LATCHKEY_DEV: '1' }))).toEqual([
      'dev.enabled: development mode is refused when NODE_ENV=production',
    ]);
  });

  it('refuses development mode implied by no identity provider', () => {
    const problems = problemsOf(() =>
      createConfig({ encryption: productionInput(key32()).encryption }, production),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^idp\.issuers: .*development mode is refused when NODE_ENV=production/);
  });

  it('requires encryption keys', () => {
    const problems = problemsOf(() =>
      createConfig({ idp: { issuers: [{ issuer: 'https://auth.example.com' }] } }, production),
    );
    expect(problems).toEqual(['encryption.keys: required when NODE_ENV=production']);
  });

  it('lists both problems of an empty production config at once', () => {
    const problems = problemsOf(() => loadConfig(undefined, production));
    expect(problems.map((p) => p.split(':')[0])).toEqual(['idp.issuers', 'encryption.keys']);
  });

  it('keeps refreshes from taking every PostgreSQL connection of the pool', () => {
    const withPool = (poolSize: number, concurrency: number, enabled = true) =>
      createConfig({
        database: { url: 'postgres://db.example.test/latchkey', poolSize },
        refresher: { concurrency, enabled },
      });
    expect(problemsOf(() => withPool(8, 8))).toEqual([
      'refresher.concurrency: must be below database.poolSize (8): each refresh in flight holds a database connection, and API requests need some too',
    ]);
    expect(withPool(10, 8).refresher.concurrency).toBe(8);
    // No background refresh on this replica, or the embedded store: nothing to starve.
    expect(withPool(4, 8, false).database.poolSize).toBe(4);
    expect(
      createConfig({ database: { poolSize: 2 }, refresher: { concurrency: 8 } }).refresher.concurrency,
    ).toBe(8);
  });

  it('accepts an IdP with keys, with development mode off', () => {
    const config = createConfig(productionInput(key32()), production);
    expect(config.production).toBe(true);
    expect(config.devMode).toBe(false);
  });

  it('outside production, no IdP means development mode', () => {
    const config = loadConfig(undefined, {});
    expect(config.production).toBe(false);
    expect(config.devMode).toBe(true);
    expect(config.server.publicUrl).toBe('http://127.0.0.1:8080');
  });
});

describe('the result is frozen', () => {
  const config = createConfig(
    {
      server: { host: '0.0.0.0', port: 8080 },
      tenants: [{ slug: 'acme', name: 'Acme' }],
      services: [
        {
          id: 'files',
          name: 'Drive',
          baseUrl: 'https://files.example.com/',
          connector: { type: 'oidc', issuer: 'https://auth.example.com', clientId: 'latchkey-files' },
        },
      ],
    },
    {},
  );

  it('at every depth', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.tenants)).toBe(true);
    expect(Object.isFrozen(config.services[0]?.connector)).toBe(true);
  });

  it('mutation throws (strict mode)', () => {
    expect(() => {
      config.server.port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config as { devMode: boolean }).devMode = false;
    }).toThrow(TypeError);
    expect(() => {
      (config.tenants as unknown[]).push({ slug: 'evil', name: 'Evil', plan: 'x' });
    }).toThrow(TypeError);
    expect(() => {
      (config.services[0]?.connector as Record<string, unknown>).issuer = 'https://evil.example';
    }).toThrow(TypeError);
    expect(config.server.port).toBe(8080);
  });

  it('derives the public URL a browser can reach from a wildcard host', () => {
    expect(config.server.publicUrl).toBe('http://127.0.0.1:8080');
  });
});

// SPEC §11: the keys of this example are the contract operators and scripts rely on.
const SPEC_EXAMPLE = `
server: { host: 0.0.0.0, port: 8080, publicUrl: https://latchkey.example.com }
database: { url: postgres://latchkey@db:5432/latchkey }   # absent → embedded PGlite in ./.latchkey
encryption:
  keys:                                  # the first encrypts; all decrypt (rotation)
    - { id: k2026a, key: "\${LATCHKEY_KEY_K2026A}" }   # 32 bytes, base64
idp:
  issuers:                               # who may call the API with a JWT
    - issuer: https://auth.example.com
      audiences: [latchkey]
      operatorAudiences: [latchkey-operator]
  console: { issuer: https://auth.example.com, clientId: latchkey-console, clientSecret: "\${CONSOLE_SECRET}" }
  claims: { email: email, name: name, groups: groups }
  groupMappings:                         # a tenant named here that does not exist yet is created
    - { group: platform-admins, platformAdmin: true }
    - { group: acme-admins, tenant: acme, role: admin }
    - { group: acme, tenant: acme, role: member }
tenants:                                 # optional bootstrap: created at start when missing
  - { slug: acme, name: Acme Corp, plan: standard }
services:
  - id: files
    name: Drive
    baseUrl: https://files.example.com/dav/
    dav: true
    connector:
      type: oidc                         # oidc | oauth2 | oauth2-dcr | matrix-sso
      issuer: https://auth.example.com
      clientId: latchkey-files
      clientSecret: "\${FILES_SECRET}"
      scopes: [openid, offline_access]
      resource: https://files.example.com/dav/   # RFC 8707, optional
      audience: webdav                   # expected aud of the access token, optional
    proxy:
      host: files.proxy.example.com      # optional host-based route
      inject: { header: Authorization, format: "Bearer {token}" }
    refresh: { earlySeconds: 60, beforeExpirySeconds: 300 }
introspection:
  clients: [ { clientId: files-rs, clientSecret: "\${FILES_RS_SECRET}" } ]
audit:
  proxyReads: false
  sources:
    - { id: stalwart, type: webhook, secret: "\${STALWART_SECRET}", signature: { header: X-Signature, encoding: base64 } }
    - { id: ocis, type: file, path: /var/log/ocis/audit.log }
    - { id: authentik, type: poll, style: authentik, url: https://auth.example.com/api/v3/events/events/, token: "\${AK_TOKEN}" }
`;

describe('loading a YAML file', () => {
  const key = randomBytes(32);
  const secrets: Env = {
    LATCHKEY_KEY_K2026A: key.toString('base64'),
    CONSOLE_SECRET: 'console-secret-value',
    FILES_SECRET: 'files-secret-value',
    FILES_RS_SECRET: 'files-rs-secret-0123456789',
    STALWART_SECRET: 'stalwart-webhook-secret',
    AK_TOKEN: 'authentik-api-token',
  };
  const specFile = join(files.dir, 'latchkey.yaml');
  writeFileSync(specFile, SPEC_EXAMPLE);

  it('accepts the SPEC §11 example, secrets from the environment, even in production', () => {
    const config = loadConfig(specFile, { ...secrets, NODE_ENV: 'production' });
    expect(config.production).toBe(true);
    expect(config.devMode).toBe(false);
    expect(config.server).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      publicUrl: 'https://latchkey.example.com',
    });
    expect(config.database.url).toBe('postgres://latchkey@db:5432/latchkey');
    expect(config.encryption.keys).toHaveLength(1);
    expect(config.encryption.keys?.[0]?.id).toBe('k2026a');
    expect(config.encryption.keys?.[0]?.key.equals(key)).toBe(true);
    expect(config.idp.issuers[0]).toMatchObject({
      issuer: 'https://auth.example.com',
      audiences: ['latchkey'],
      operatorAudiences: ['latchkey-operator'],
    });
    expect(config.idp.console).toMatchObject({
      clientId: 'latchkey-console',
      clientSecret: 'console-secret-value',
    });
    expect(config.idp.groupMappings).toHaveLength(3);
    expect(config.tenants).toEqual([{ slug: 'acme', name: 'Acme Corp', plan: 'standard' }]);
    const files = config.services[0];
    expect(files).toMatchObject({ id: 'files', dav: true, baseUrl: 'https://files.example.com/dav/' });
    expect(files?.connector).toMatchObject({
      type: 'oidc',
      clientSecret: 'files-secret-value',
      resource: 'https://files.example.com/dav/',
      audience: 'webdav',
    });
    expect(files?.proxy).toMatchObject({
      host: 'files.proxy.example.com',
      inject: { header: 'Authorization', format: 'Bearer {token}' },
    });
    expect(files?.refresh).toEqual({ enabled: true, earlySeconds: 60, beforeExpirySeconds: 300 });
    expect(config.introspection.clients).toEqual([
      { clientId: 'files-rs', clientSecret: 'files-rs-secret-0123456789' },
    ]);
    expect(config.audit.sources.map((s) => s.id)).toEqual(['stalwart', 'ocis', 'authentik']);
    expect(config.audit.sources[0]).toMatchObject({ secret: 'stalwart-webhook-secret' });
    expect(config.audit.sources[2]).toMatchObject({ token: 'authentik-api-token' });
  });

  it('names every unset variable of the file with its path, at once', () => {
    const { AK_TOKEN: _ak, FILES_SECRET: _files, ...rest } = secrets;
    const problems = problemsOf(() => loadConfig(specFile, rest));
    expect(problems).toEqual([
      'services.0.connector.clientSecret: environment variable FILES_SECRET is not set',
      'audit.sources.2.token: environment variable AK_TOKEN is not set',
    ]);
  });

  it('an env override wins over the file', () => {
    const config = loadConfig(specFile, { ...secrets, LATCHKEY_PORT: '9443' });
    expect(config.server.port).toBe(9443);
  });

  it('an empty file is the embedded default', () => {
    const empty = join(files.dir, 'empty.yaml');
    writeFileSync(empty, '# nothing configured\n');
    const config = loadConfig(empty, {});
    expect(config.devMode).toBe(true);
    expect(config.dataDir).toBe('.latchkey');
  });

  it('an unreadable file is a ConfigError naming the file', () => {
    const missing = join(files.dir, 'does-not-exist.yaml');
    expect(problemsOf(() => loadConfig(missing, {}))).toEqual([`${missing}: cannot read (ENOENT)`]);
    const directory = join(files.dir, 'a-directory.yaml');
    mkdirSync(directory);
    expect(problemsOf(() => loadConfig(directory, {}))).toEqual([`${directory}: cannot read (EISDIR)`]);
  });

  it.each([
    ['an unclosed flow sequence', 'server: { port: [8080 }\n'],
    ['a tab-indented block', 'server:\n\tport: 8080\n'],
    ['a duplicate key', 'server: { port: 1 }\nserver: { port: 2 }\n'],
  ])('invalid YAML (%s) is a ConfigError naming the file', (_name, text) => {
    const file = join(files.dir, `bad-${randomBytes(4).toString('hex')}.yaml`);
    writeFileSync(file, text);
    const problems = problemsOf(() => loadConfig(file, {}));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid YAML \\(.+\\)$`),
    );
  });

  it('a top level that is not a mapping is a ConfigError naming the file', () => {
    const file = join(files.dir, 'list.yaml');
    writeFileSync(file, '- server\n- port\n');
    expect(problemsOf(() => loadConfig(file, {}))).toEqual([`${file}: the top level must be a mapping`]);
  });
});

describe('service ids', () => {
  const service = (id: string, name: string) => ({
    id,
    name,
    baseUrl: `https://${id}.example.com/`,
    connector: { type: 'oidc', issuer: 'https://auth.example.com', clientId: `latchkey-${id}` },
  });

  it('refuses a duplicate id, naming the second one', () => {
    const problems = problemsOf(() =>
      createConfig(
        { services: [service('files', 'Drive'), service('mail', 'Mail'), service('files', 'Again')] },
        {},
      ),
    );
    expect(problems).toEqual(['services.2.id: duplicate service id "files"']);
  });

  it('accepts distinct ids', () => {
    const config = createConfig({ services: [service('files', 'Drive'), service('mail', 'Mail')] }, {});
    expect(config.services.map((s) => s.id)).toEqual(['files', 'mail']);
  });
});
