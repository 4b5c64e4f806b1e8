import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const I18N_DIR = fileURLToPath(new URL('../../web/src/i18n/', import.meta.url));
const WEB_SRC = fileURLToPath(new URL('../../web/src/', import.meta.url));

function catalogue(file: string): Record<string, string> {
  return JSON.parse(readFileSync(join(I18N_DIR, file), 'utf8')) as Record<string, string>;
}

/** Every English catalogue file (`en.json`, `en.admin.json`, …) with its French twin's name. */
const PAIRS = readdirSync(I18N_DIR)
  .filter((f) => /^en(\.[a-z]+)?\.json$/.test(f))
  .map((en) => [en, `fr${en.slice(2)}`] as const);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('console message catalogues', () => {
  it('has a French file for every English one', () => {
    expect(PAIRS.length).toBeGreaterThanOrEqual(1);
    const files = readdirSync(I18N_DIR).filter((f) => f.endsWith('.json'));
    for (const [, fr] of PAIRS) expect(files, `${fr} is missing`).toContain(fr);
    expect(files.filter((f) => f.startsWith('fr')).length).toBe(PAIRS.length);
  });

  it.each(PAIRS)('%s and %s have the same keys, none empty', (en, fr) => {
    const english = catalogue(en);
    const french = catalogue(fr);
    expect(Object.keys(french).sort()).toEqual(Object.keys(english).sort());
    for (const [key, text] of [...Object.entries(english), ...Object.entries(french)]) {
      expect(text.trim(), key).not.toBe('');
    }
  });

  it('keeps the same placeholders in both languages', () => {
    for (const [en, fr] of PAIRS) {
      const english = catalogue(en);
      const french = catalogue(fr);
      for (const [key, text] of Object.entries(english)) {
        const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect(names(french[key] ?? ''), key).toEqual(names(text));
      }
    }
  });

  it('defines no key twice across the area files', () => {
    const seen = new Map<string, string>();
    for (const [en] of PAIRS) {
      for (const key of Object.keys(catalogue(en))) {
        expect(seen.get(key), `${key} is in ${seen.get(key) ?? ''} and ${en}`).toBeUndefined();
        seen.set(key, en);
      }
    }
  });

  it('has a message for every literal key the sources translate', () => {
    const keys = new Set(PAIRS.flatMap(([en]) => Object.keys(catalogue(en))));
    const used = sourceFiles(WEB_SRC).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([\w.-]+)'/g)].map((m) => m[1] ?? ''),
    );
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((key) => !keys.has(key))).toEqual([]);
  });
});
