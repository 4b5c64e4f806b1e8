import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodedPathProblem, isPlainPath, pathProblem } from '../src/proxy/check-path.js';

/** What a server would see after decoding up to three times and resolving dot segments. */
function escapesOrSmuggles(path: string): boolean {
  let current = path;
  for (let i = 0; i < 4; i++) {
    if (/(^|\/)\.\.?(\/|$)/.test(current) || current.includes('\\') || /[\r\n\0]/.test(current)) return true;
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return true;
    }
    if (next === current) return false;
    if (/%2f/i.test(current)) return true;
    current = next;
  }
  return true;
}

const segmentChar = fc.constantFrom(
  'a',
  'b',
  'Z',
  '0',
  '-',
  '_',
  '~',
  '.',
  ' ',
  '%20',
  '%2e',
  '%2E',
  '%2f',
  '%2F',
  '%5c',
  '\\',
  '%25',
  '%0d',
  '%0a',
  '%00',
  '@',
  ':',
  'é',
  '%C3%A9',
);
const segment = fc.array(segmentChar, { minLength: 0, maxLength: 6 }).map((cs) => cs.join(''));
const path = fc.array(segment, { minLength: 1, maxLength: 6 }).map((ss) => `/${ss.join('/')}`);

describe('proxy path normaliser (SPEC §6.1 SSRF and traversal rules)', () => {
  it('accepts every path that cannot escape, refuses every one that could (property)', () => {
    fc.assert(
      fc.property(path, (p) => {
        const refused = pathProblem(p) !== undefined;
        if (escapesOrSmuggles(p)) expect(refused, p).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the one-pass shortcut only for paths the full rules accept (property)', () => {
    const shortcut = fc
      .array(
        fc.constantFrom('a', 'Z', '9', '.', '..', '/', '//', '~', "'", '@', ':', '%2e', '\\', ' ', 'é', '\n'),
        {
          maxLength: 10,
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(path, shortcut), (p) => {
        expect(pathProblem(p), p).toBe(decodedPathProblem(p));
        if (isPlainPath(p)) expect(decodedPathProblem(p), p).toBeUndefined();
      }),
      { numRuns: 5000 },
    );
    // The shortcut is taken for ordinary paths (else it saves nothing) and refused for the rest.
    expect(isPlainPath('/dav/calendars/bob@example.com/home/event-1.ics')).toBe(true);
    expect(isPlainPath('/')).toBe(true);
    for (const p of ['/a/../b', '/./', '/a/..', '//x', '/a%20b', '/http://x', '/a\\b', 'x', '']) {
      expect(isPlainPath(p), p).toBe(false);
    }
  });

  it('never refuses plain names, percent-encoded spaces, unicode and e-mail principals', () => {
    for (const ok of [
      '/',
      '/a/b.txt',
      '/a%20b/c%2Bd.ics',
      '/caf%C3%A9/',
      '/bob@example.com/calendar/',
      '/.well-known-ish/x',
      '/a..b/c.',
    ]) {
      expect(pathProblem(ok), ok).toBeUndefined();
    }
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[A-Za-z0-9_~-]{1,8}$/), { minLength: 1, maxLength: 5 }),
        (segs) => {
          expect(pathProblem(`/${segs.map(encodeURIComponent).join('/')}`)).toBeUndefined();
        },
      ),
    );
  });

  it('refuses the classics', () => {
    for (const bad of [
      '/../x',
      '/a/..',
      '/%2e%2e/x',
      '/%2E%2e/x',
      '/.%2e/x',
      '/a%2fb',
      '/a%2F..%2Fb',
      '/a\\b',
      '/a%5cb',
      '/%252e%252e/x',
      '//evil/x',
      '/http://evil/',
      '/a%0d%0ab',
      '/a%00',
      '/%zz',
      'x',
      '',
    ]) {
      expect(pathProblem(bad), bad).toBeDefined();
    }
  });
});
