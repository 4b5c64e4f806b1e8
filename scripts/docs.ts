import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { buildApp } from '../packages/server/src/app.js';
import { createConfig, documentedEnv } from '../packages/server/src/config/load.js';
import { configSchema } from '../packages/server/src/config/schema.js';
import { errorCatalogue, errorCodes, toProblem } from '../packages/server/src/errors.js';
import { OPENAPI_PATH } from '../packages/server/src/http/openapi.js';
import { openStore } from '../packages/server/src/store/db.js';

/*
 * The generators of the committed reference docs. Each is deterministic: the same source gives
 * byte-identical output, so `generated-docs.test.ts` can fail on drift.
 */

/** The repository root (this file lives in `scripts/`). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

type JsonSchema = z.core.JSONSchema.JSONSchema;

const GENERATED_NOTE = (source: string): string =>
  `<!-- Generated from ${source} by \`npm run gen\` (scripts/generate-docs.ts). Do not edit by hand. -->`;

/** A markdown table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replaceAll('|', '\\|');
}

function code(text: string): string {
  return `\`${text}\``;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function constraints(node: JsonSchema): string[] {
  const out: string[] = [];
  const range = (min: number | undefined, max: number | undefined, unit: string): void => {
    // 2^53-1 is zod's "safe integer" bound, not a limit anyone chose.
    const upper = max !== undefined && max < Number.MAX_SAFE_INTEGER ? max : undefined;
    if (min !== undefined && upper !== undefined) out.push(`${min}–${upper}${unit}`);
    else if (min === 1 && unit !== '') out.push('non-empty');
    else if (min !== undefined) out.push(`≥ ${min}${unit}`);
    else if (upper !== undefined) out.push(`≤ ${upper}${unit}`);
  };
  const exclusiveMin = typeof node.exclusiveMinimum === 'number' ? node.exclusiveMinimum : undefined;
  if (exclusiveMin !== undefined && node.minimum === undefined) {
    out.push(`> ${exclusiveMin}`);
    range(undefined, node.maximum, '');
  } else {
    range(node.minimum, node.maximum, '');
  }
  range(node.minLength, node.maxLength, ' chars');
  range(node.minItems, node.maxItems, ' items');
  if (node.pattern !== undefined) out.push(`pattern ${code(node.pattern)}`);
  return out;
}

/** The type of a schema node as a reader would write it: `integer`, `string[]`, `"a" | "b"`. */
function typeName(node: JsonSchema): string {
  if (node.enum !== undefined) return node.enum.map((v) => code(JSON.stringify(v))).join(' | ');
  if (node.const !== undefined) return code(JSON.stringify(node.const));
  const union = node.anyOf ?? node.oneOf;
  if (union !== undefined) return union.map((member) => typeName(member)).join(' | ');
  const type = Array.isArray(node.type) ? node.type.join(' | ') : node.type;
  if (type === 'array') {
    const items = isSchema(node.items) ? typeName(node.items) : 'unknown';
    return items.includes(' | ') ? `(${items})[]` : `${items}[]`;
  }
  if (type === 'object') {
    const open = node.additionalProperties !== false && node.additionalProperties !== undefined;
    return open ? 'object (open)' : 'object';
  }
  if (type === 'string' && node.format !== undefined) return `string (${node.format})`;
  return type ?? 'any';
}

function typeCell(node: JsonSchema): string {
  const extra = constraints(node);
  return extra.length > 0 ? `${typeName(node)}; ${extra.join(', ')}` : typeName(node);
}

function defaultCell(node: JsonSchema, required: boolean): string {
  const isObject = node.type === 'object' && node.properties !== undefined;
  // An object section's default is the defaults of its fields, listed on their own rows.
  if (node.default !== undefined && !isObject) return code(JSON.stringify(node.default));
  if (required) return '**required**';
  return '—';
}

interface OptionRow {
  path: string;
  type: string;
  default: string;
  description: string;
}

/**
 * A discriminated union of objects (the service connectors): one row per field across its
 * members, the discriminator's values joined, and "Only for …" on fields some members lack.
 */
function collectUnionRows(members: readonly JsonSchema[], path: string, rows: OptionRow[]): void {
  const tag = (m: JsonSchema): string => {
    const t = m.properties?.type;
    return isSchema(t) && t.const !== undefined ? String(t.const) : '?';
  };
  const keys = [...new Set(members.flatMap((m) => Object.keys(m.properties ?? {})))];
  for (const key of keys) {
    const having = members.filter((m) => m.properties?.[key] !== undefined);
    const schemas = having.map((m) => m.properties?.[key]).filter(isSchema);
    const first = schemas[0];
    if (first === undefined) continue;
    const types = [...new Set(schemas.map((c) => typeCell(c)))];
    const only =
      having.length < members.length ? ` Only for ${having.map((m) => code(tag(m))).join(', ')}.` : '';
    // Where members give a field different defaults or meanings, say which is whose.
    const perMember = (value: (c: JsonSchema, i: number) => string): string => {
      const values = schemas.map(value);
      if (new Set(values).size <= 1) return values[0] ?? '';
      return values.map((v, i) => `${code(tag(having[i] ?? {}))}: ${v}`).join('; ');
    };
    rows.push({
      path: `${path}.${key}`,
      type: types.join(' | '),
      default: perMember((c, i) => defaultCell(c, (having[i]?.required ?? []).includes(key))),
      description: `${perMember((c) => c.description ?? '')}${only}`.trim(),
    });
    if (first.properties !== undefined) {
      const requiredKeys = new Set(first.required ?? []);
      for (const [child, schema] of Object.entries(first.properties)) {
        if (isSchema(schema)) collectRows(schema, `${path}.${key}.${child}`, requiredKeys.has(child), rows);
      }
    }
  }
}

function collectRows(node: JsonSchema, path: string, required: boolean, rows: OptionRow[]): void {
  if (path !== '') {
    rows.push({
      path,
      type: typeCell(node),
      default: defaultCell(node, required),
      description: node.description ?? '',
    });
  }
  if (node.properties !== undefined) {
    const requiredKeys = new Set(node.required ?? []);
    for (const [key, child] of Object.entries(node.properties)) {
      if (isSchema(child))
        collectRows(child, path === '' ? key : `${path}.${key}`, requiredKeys.has(key), rows);
    }
  }
  const members = (node.anyOf ?? node.oneOf ?? []).filter(isSchema);
  if (members.length > 0 && members.every((m) => m.properties !== undefined)) {
    collectUnionRows(members, path, rows);
  }
  if (node.type === 'array' && isSchema(node.items) && node.items.properties !== undefined) {
    const items = node.items;
    const requiredKeys = new Set(items.required ?? []);
    for (const [key, child] of Object.entries(items.properties ?? {})) {
      if (isSchema(child)) collectRows(child, `${path}[].${key}`, requiredKeys.has(key), rows);
    }
  }
  // An array of a discriminated union (provisioning steps): one row per field, as for connectors.
  const itemMembers =
    node.type === 'array' && isSchema(node.items)
      ? (node.items.anyOf ?? node.items.oneOf ?? []).filter(isSchema)
      : [];
  if (itemMembers.length > 0 && itemMembers.every((m) => m.properties !== undefined)) {
    collectUnionRows(itemMembers, `${path}[]`, rows);
  }
}

/** Every option of the configuration, one row per path (`server.port`, `services[].id`). */
export function configOptionRows(): OptionRow[] {
  const rows: OptionRow[] = [];
  collectRows(z.toJSONSchema(configSchema, { io: 'input' }), '', false, rows);
  return rows;
}

function optionRowFor(rows: readonly OptionRow[], path: string): OptionRow | undefined {
  return rows.find((r) => r.path === path);
}

/** `docs/config.md`: the configuration reference, generated from `configSchema`. */
export function renderConfigReference(): string {
  const rows = configOptionRows();
  const lines = [
    '# Configuration reference',
    '',
    GENERATED_NOTE('packages/server/src/config/schema.ts and packages/server/src/config/load.ts'),
    '',
    'Latchkey reads one YAML file (`latchkey serve --config <file>` or `LATCHKEY_CONFIG`), replaces',
    '`${VAR}` references, applies the `LATCHKEY_*` environment overrides, then validates the whole',
    'result once at start. Every problem is listed at once, each with its path',
    '(`server.port: Too big: expected number to be <=65535`). The validated configuration is frozen.',
    'With no file at all, Latchkey runs the embedded default: PGlite and generated keys under',
    '`dataDir`, and the development identity provider.',
    '',
    '## `${VAR}` substitution',
    '',
    'In any string value of the file, `${NAME}` (a letter or `_`, then letters, digits or `_`) is',
    'replaced by the environment variable `NAME`, so secrets stay out of the file:',
    '',
    '```yaml',
    'encryption:',
    '  keys:',
    '    - { id: k2026a, key: "${LATCHKEY_KEY_K2026A}" }',
    '```',
    '',
    'A variable that is not set is a configuration error naming the option, e.g.',
    '`encryption.keys.0.key: environment variable LATCHKEY_KEY_K2026A is not set`.',
    '',
    '## Environment overrides',
    '',
    'These variables override the file. An empty variable is ignored. `LATCHKEY_DEV` accepts',
    '`1`/`true`/`yes`/`on` and `0`/`false`/`no`/`off`; `LATCHKEY_ENCRYPTION_KEYS` is a comma-separated',
    'list of `id:base64key` pairs, the first one encrypting.',
    '',
    '| Variable | Option | Type |',
    '| --- | --- | --- |',
    ...documentedEnv.map((e) => {
      const row = optionRowFor(rows, e.path);
      return `| ${code(e.name)} | ${code(e.path)} | ${cell(row?.type ?? '')} |`;
    }),
    '',
    '## Production',
    '',
    'With `NODE_ENV=production`, development mode is refused — whether `dev.enabled` is true or',
    'implied by an empty `idp.issuers` — and `encryption.keys` is required.',
    '',
    '## Options',
    '',
    'Paths use `.` for fields and `[]` for the items of a list (`services[].id`). An `object (open)`',
    'also accepts keys not listed here (their meaning depends on the `type` beside them).',
    '',
    '| Option | Type | Default | Description |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (r) => `| ${code(r.path)} | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.description || '—')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** `docs/errors.md`: every code of the error catalogue with its status and title. */
export function renderErrorTable(): string {
  const lines = [
    '# Error codes',
    '',
    GENERATED_NOTE('packages/server/src/errors.ts'),
    '',
    'Outside the OAuth endpoints (which answer RFC 6749 error JSON), every error is',
    '`application/problem+json` (RFC 9457) with `type`, `title`, `status`, `detail`, a stable `code`',
    'from this table and the `requestId` also sent as `X-Request-Id`. Validation problems add',
    '`errors`: one `{ path, message }` per bad field. When the detail is not shown to the client, the',
    'answer carries only the title and the request id; the cause is in the server log.',
    '',
    '| Code | HTTP status | Title | Detail shown | Type |',
    '| --- | --- | --- | --- | --- |',
    ...errorCodes.map((c) => {
      const entry = errorCatalogue[c];
      const type = toProblem(c, undefined, 'req').type;
      return `| ${code(c)} | ${entry.status} | ${cell(entry.title)} | ${entry.expose ? 'yes' : 'no'} | ${type} |`;
    }),
    '',
  ];
  return lines.join('\n');
}

/** Where the served document would name this run (its URL, its data directory), the docs say this. */
const DOCUMENTED_PUBLIC_URL = 'http://127.0.0.1:8080';
const DOCUMENTED_DATA_DIR = '.latchkey';

// The conventional order of an OpenAPI document's top level; everything else is sorted.
const TOP_LEVEL_ORDER = ['openapi', 'info', 'servers', 'security', 'tags', 'paths', 'components'];

function normalise(value: unknown, replacements: ReadonlyArray<readonly [string, string]>): unknown {
  if (typeof value === 'string') {
    return replacements.reduce((s, [from, to]) => s.replaceAll(from, to), value);
  }
  if (Array.isArray(value)) return value.map((v) => normalise(v, replacements));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, normalise(v, replacements)]));
  }
  return value;
}

function topLevelOrdered(doc: Record<string, unknown>): Record<string, unknown> {
  const rank = (k: string): number => {
    const i = TOP_LEVEL_ORDER.indexOf(k);
    return i < 0 ? TOP_LEVEL_ORDER.length : i;
  };
  return Object.fromEntries(
    Object.entries(doc).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/**
 * `docs/openapi.json`: the document an app in development mode serves at /api/v1/openapi.json,
 * built on an in-memory store. Keys are sorted (so registration order does not churn the file)
 * and this run's URL and data directory are replaced by the documented defaults.
 */
export async function renderOpenApi(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-docs-'));
  const store = await openStore({ pgliteDir: 'memory://' });
  try {
    // An explicit empty environment: the developer's LATCHKEY_* variables must not reach the doc.
    const config = createConfig(
      { dataDir, dev: { enabled: true }, log: { level: 'silent' }, server: { host: '127.0.0.1', port: 0 } },
      {},
    );
    const { app } = await buildApp(config, { store });
    try {
      const response = await app.inject({ method: 'GET', url: OPENAPI_PATH });
      if (response.statusCode !== 200) {
        throw new Error(`${OPENAPI_PATH} answered ${response.statusCode}: ${response.body}`);
      }
      const doc = normalise(response.json(), [
        [config.server.publicUrl, DOCUMENTED_PUBLIC_URL],
        [dataDir, DOCUMENTED_DATA_DIR],
      ]) as Record<string, unknown>;
      return `${JSON.stringify(topLevelOrdered(doc), null, 2)}\n`;
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One generated file: its path from the repository root and its content. */
export interface GeneratedDoc {
  path: string;
  content: string;
}

/** Formats like `prettier --write` would, so `npm run lint` agrees with the generated files. */
async function prettified(path: string, content: string): Promise<string> {
  const file = join(repoRoot, path);
  const options = (await resolveConfig(file)) ?? {};
  return format(content, { ...options, filepath: file });
}

/** Every generated doc, formatted, in a fixed order. */
export async function generateDocs(): Promise<GeneratedDoc[]> {
  const raw: GeneratedDoc[] = [
    { path: 'docs/config.md', content: renderConfigReference() },
    { path: 'docs/errors.md', content: renderErrorTable() },
    { path: 'docs/openapi.json', content: await renderOpenApi() },
  ];
  return Promise.all(raw.map(async (d) => ({ path: d.path, content: await prettified(d.path, d.content) })));
}
