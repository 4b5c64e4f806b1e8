import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type ConfigInput, type ParsedConfig } from './schema.js';

/** A key of the keyring: `key` is the 32 raw bytes. */
export interface KeyringKey {
  id: string;
  key: Buffer;
}

/** The configuration Latchkey runs with: validated, derived values resolved, frozen. */
export type Config = Readonly<
  Omit<ParsedConfig, 'server' | 'encryption'> & {
    server: ParsedConfig['server'] & { publicUrl: string };
    encryption: { keys: readonly KeyringKey[] | undefined };
    /** Development IdP and demo users are on. Never true when NODE_ENV=production. */
    devMode: boolean;
    /** True when NODE_ENV=production. */
    production: boolean;
  }
>;

/** Every problem of a configuration, each with its path. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** `${VAR}` in any string value is replaced by the environment variable; a missing one is a problem. */
function substitute(value: unknown, env: Env, path: string, problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) {
        problems.push(`${path || '(root)'}: environment variable ${name} is not set`);
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, env, `${path}.${i}`, problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v, env, path ? `${path}.${k}` : k, problems)]),
    );
  }
  return value;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

function parseBool(v: string): boolean | string {
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  return v;
}

/** The documented `LATCHKEY_*` overrides, applied over the file. */
const envOverrides: ReadonlyArray<{ name: string; path: string[]; parse: (v: string) => unknown }> = [
  { name: 'LATCHKEY_HOST', path: ['server', 'host'], parse: (v) => v },
  { name: 'LATCHKEY_PORT', path: ['server', 'port'], parse: (v) => (/^\d+$/.test(v) ? Number(v) : v) },
  { name: 'LATCHKEY_PUBLIC_URL', path: ['server', 'publicUrl'], parse: (v) => v },
  { name: 'LATCHKEY_DATABASE_URL', path: ['database', 'url'], parse: (v) => v },
  { name: 'LATCHKEY_DATA_DIR', path: ['dataDir'], parse: (v) => v },
  { name: 'LATCHKEY_DEV', path: ['dev', 'enabled'], parse: parseBool },
  { name: 'LATCHKEY_LOG_LEVEL', path: ['log', 'level'], parse: (v) => v },
  {
    name: 'LATCHKEY_ENCRYPTION_KEYS',
    path: ['encryption', 'keys'],
    parse: (v) =>
      v.split(',').map((pair) => {
        const i = pair.indexOf(':');
        return { id: pair.slice(0, i), key: pair.slice(i + 1) };
      }),
  },
];

export const documentedEnv = envOverrides.map((o) => ({ name: o.name, path: o.path.join('.') }));

function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/** A field of a raw (unvalidated) object, or undefined. */
function rawField(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/**
 * Rules beyond the schema. They read the raw input (as the schema would see it) so that they are
 * listed together with the schema's problems, not only on the next start once those are fixed.
 */
function policyProblems(input: Record<string, unknown>, production: boolean): string[] {
  const problems: string[] = [];
  if (production) {
    const devEnabled = rawField(input.dev, 'enabled');
    const issuers = rawField(input.idp, 'issuers');
    if (devEnabled === true) {
      problems.push('dev.enabled: development mode is refused when NODE_ENV=production');
    } else if (devEnabled === undefined && !(Array.isArray(issuers) && issuers.length > 0)) {
      problems.push(
        'idp.issuers: no identity provider configured (development mode is refused when NODE_ENV=production)',
      );
    }
    if (rawField(input.encryption, 'keys') === undefined) {
      problems.push('encryption.keys: required when NODE_ENV=production');
    }
  }
  if (Array.isArray(input.services)) {
    const ids = new Set<string>();
    for (const [i, s] of (input.services as unknown[]).entries()) {
      const id = rawField(s, 'id');
      if (typeof id !== 'string') continue;
      if (ids.has(id)) problems.push(`services.${i}.id: duplicate service id "${id}"`);
      ids.add(id);
    }
  }
  return problems;
}

/**
 * Validates a configuration object (file content, env overrides already applied or not) and
 * resolves derived values. Lists every problem at once.
 */
export function createConfig(input: ConfigInput | Record<string, unknown>, env: Env = process.env): Config {
  const problems: string[] = [];
  const substituted = substitute(structuredClone(input), env, '', problems) as Record<string, unknown>;
  // A path whose variable is unset already has its problem; the schema's complaint about the
  // empty string left there would only repeat it.
  const unsetPaths = new Set(problems.map((p) => p.slice(0, p.indexOf(': '))));
  for (const o of envOverrides) {
    const raw = env[o.name];
    if (raw !== undefined && raw !== '') setPath(substituted, o.path, o.parse(raw));
  }
  const production = env.NODE_ENV === 'production';
  const result = configSchema.safeParse(substituted);
  if (!result.success) {
    problems.push(
      ...formatIssues(result.error.issues).filter((p) => !unsetPaths.has(p.slice(0, p.indexOf(': ')))),
    );
  }
  problems.push(...policyProblems(substituted, production));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const parsed = result.data;
  const devMode = parsed.dev.enabled ?? parsed.idp.issuers.length === 0;

  const host = parsed.server.host;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const publicUrl = (parsed.server.publicUrl ?? `http://${shownHost}:${parsed.server.port}`).replace(
    /\/+$/,
    '',
  );
  const config: Config = {
    ...parsed,
    server: { ...parsed.server, publicUrl },
    encryption: {
      keys: parsed.encryption.keys?.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
    },
    devMode,
    production,
  };
  return deepFreeze(config);
}

/** Reads the YAML file (if any), applies `${VAR}` and `LATCHKEY_*` overrides, validates. */
export function loadConfig(file: string | undefined, env: Env = process.env): Config {
  let input: Record<string, unknown> = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError([`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new ConfigError([`${file}: not valid YAML (${(err as Error).message.split('\n')[0] ?? ''})`]);
    }
    if (doc !== null && doc !== undefined && (typeof doc !== 'object' || Array.isArray(doc))) {
      throw new ConfigError([`${file}: the top level must be a mapping`]);
    }
    input = (doc ?? {}) as Record<string, unknown>;
  }
  return createConfig(input, env);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
