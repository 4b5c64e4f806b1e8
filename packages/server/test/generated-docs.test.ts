import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '../src/errors.js';
import { configOptionRows, generateDocs, repoRoot, type GeneratedDoc } from '../../../scripts/docs.js';

const FIX = 'is out of date: run `npm run gen` and commit the result';

function committed(path: string): string | undefined {
  const file = join(repoRoot, path);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** The codes named in the first column of the error table (`| \`code\` | …`). */
function codesInErrorTable(markdown: string): string[] {
  return markdown
    .split('\n')
    .map((line) => /^\|\s*`([a-z0-9_]+)`\s*\|/.exec(line)?.[1])
    .filter((c): c is string => c !== undefined);
}

describe('generated reference docs are committed and current', () => {
  let generated: GeneratedDoc[];

  beforeAll(async () => {
    generated = await generateDocs();
  });

  it('generates config.md, errors.md and openapi.json', () => {
    expect(generated.map((d) => d.path)).toEqual(['docs/config.md', 'docs/errors.md', 'docs/openapi.json']);
  });

  it.each(['docs/config.md', 'docs/errors.md', 'docs/openapi.json'])('%s matches its generator', (path) => {
    const doc = generated.find((d) => d.path === path);
    expect(doc, `${path} is not generated`).toBeDefined();
    const onDisk = committed(path);
    expect(onDisk, `${path} is missing: run \`npm run gen\``).toBeDefined();
    expect(onDisk === doc?.content, `${path} ${FIX}`).toBe(true);
  });
});

describe('the error table names exactly the catalogue', () => {
  it('lists every code of errors.ts and no other', () => {
    const table = committed('docs/errors.md');
    expect(table, 'docs/errors.md is missing: run `npm run gen`').toBeDefined();
    const listed = codesInErrorTable(table ?? '');
    const unknown = listed.filter((c) => !(errorCodes as readonly string[]).includes(c));
    const missing = errorCodes.filter((c) => !listed.includes(c));
    expect(unknown, 'docs/errors.md names codes that errors.ts does not have').toEqual([]);
    expect(missing, 'docs/errors.md misses codes of errors.ts: run `npm run gen`').toEqual([]);
    expect(new Set(listed).size, 'docs/errors.md lists a code twice').toBe(listed.length);
  });

  it('would notice a stray or a missing code (the check itself works)', () => {
    const table = committed('docs/errors.md') ?? '';
    const tampered = table
      .replace(/^\|\s*`rate_limited`.*$/m, '')
      .concat('| `no_such_code` | 418 | Teapot | yes | x |\n');
    const listed = codesInErrorTable(tampered);
    expect(listed).toContain('no_such_code');
    expect(listed).not.toContain('rate_limited');
  });
});

describe('the config reference covers the schema', () => {
  it('has a row per option path, including nested lists', () => {
    const paths = configOptionRows().map((r) => r.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'server.port',
        'server.bodyLimitBytes',
        'database.url',
        'encryption.keys[].key',
        'idp.issuers[].issuer',
        'idp.console.clientSecret',
        'services[].connector.type',
        'introspection.clients[].clientSecret',
      ]),
    );
    const port = configOptionRows().find((r) => r.path === 'server.port');
    expect(port).toMatchObject({ type: 'integer; 0–65535', default: '`8080`' });
    expect(port?.description).toContain('LATCHKEY_PORT');
  });

  it('documents every LATCHKEY_* override and the ${VAR} rule', () => {
    const reference = committed('docs/config.md') ?? '';
    for (const name of [
      'LATCHKEY_HOST',
      'LATCHKEY_PORT',
      'LATCHKEY_DATABASE_URL',
      'LATCHKEY_DEV',
      'LATCHKEY_ENCRYPTION_KEYS',
    ]) {
      expect(reference).toContain(`\`${name}\``);
    }
    expect(reference).toContain('${NAME}');
  });
});
