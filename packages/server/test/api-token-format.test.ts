import fc from 'fast-check';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generateApiToken, isWellFormedApiToken, TOKEN_LENGTH, tokenHint } from '../src/api-tokens/format.js';
import { missingScope, parseScope, permissionForMethod } from '../src/api-tokens/permissions.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe('API token format (SPEC §5): lk_ + 43 base62 + 6 base62 of CRC32', () => {
  it('generates well-formed, distinct tokens of the documented shape', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const t = generateApiToken();
      expect(t).toMatch(/^lk_[0-9A-Za-z]{49}$/);
      expect(t).toHaveLength(TOKEN_LENGTH);
      expect(isWellFormedApiToken(t)).toBe(true);
      seen.add(t);
    }
    expect(seen.size).toBe(2000);
  });

  it('detects every single-character substitution (CRC32 catches all errors of ≤ 32 bits)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 48 }), fc.nat({ max: 61 }), (offset, pick) => {
        const t = generateApiToken();
        const i = 3 + offset;
        const replacement =
          ALPHABET.charAt(pick) === t.charAt(i) ? ALPHABET.charAt((pick + 1) % 62) : ALPHABET.charAt(pick);
        const mutated = t.slice(0, i) + replacement + t.slice(i + 1);
        expect(isWellFormedApiToken(mutated)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses wrong prefixes, lengths and alphabets without throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const ok = isWellFormedApiToken(s);
        if (ok) expect(s.startsWith('lk_') && s.length === TOKEN_LENGTH).toBe(true);
      }),
      { numRuns: 1000 },
    );
    const t = generateApiToken();
    expect(isWellFormedApiToken(`LK_${t.slice(3)}`)).toBe(false);
    expect(isWellFormedApiToken(t.slice(0, -1))).toBe(false);
    expect(isWellFormedApiToken(`${t} `)).toBe(false);
  });

  it('shows only a recognisable hint', () => {
    const t = generateApiToken();
    expect(tokenHint(t)).toEqual({ prefix: t.slice(0, 7), last4: t.slice(-4) });
  });
});

describe('scope classification (SPEC §5 permissions and methods)', () => {
  it('maps every listed method to its permission, unknown methods to write', () => {
    for (const m of ['GET', 'HEAD', 'OPTIONS', 'PROPFIND', 'REPORT', 'SEARCH'])
      expect(permissionForMethod(m)).toBe('read');
    for (const m of [
      'POST',
      'PUT',
      'PATCH',
      'PROPPATCH',
      'MKCOL',
      'MKCALENDAR',
      'COPY',
      'MOVE',
      'LOCK',
      'UNLOCK',
    ]) {
      expect(permissionForMethod(m)).toBe('write');
    }
    expect(permissionForMethod('DELETE')).toBe('delete');
    expect(permissionForMethod('propfind')).toBe('read');
    expect(permissionForMethod('BREW')).toBe('write');
  });

  it('grants exactly the held services and permissions', () => {
    const perms = ['read', 'write', 'delete', 'exchange'] as const;
    fc.assert(
      fc.property(
        fc.subarray(['mail', 'calendar', 'files', 'chat']),
        fc.subarray([...perms]),
        fc.constantFrom('mail', 'calendar', 'files', 'chat', 'drive'),
        fc.subarray([...perms], { minLength: 1 }),
        (services, held, service, needed) => {
          const missing = missingScope(parseScope(services, held), service, needed);
          const expected = [
            ...(services.includes(service) ? [] : [`service:${service}`]),
            ...needed.filter((p) => !held.includes(p)),
          ];
          expect(missing).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
    expect(missingScope(parseScope(['*'], ['read']), 'anything', ['read'])).toEqual([]);
  });
});

describe('API token checksum (SPEC §5): the fast check agrees with the generator', () => {
  it('accepts exactly the token whose checksum is the base62 CRC32 of its head', () => {
    // Every 6-character base62 suffix but the right one is refused; the right one accepted,
    // including heads whose CRC32 has leading base62 zeros or uses the top of the range.
    fc.assert(
      fc.property(
        fc.string({ unit: fc.nat({ max: 61 }).map((i) => ALPHABET.charAt(i)), minLength: 43, maxLength: 43 }),
        (body) => {
          const head = `lk_${body}`;
          let v = crc32(head);
          let sum = '';
          for (let i = 0; i < 6; i++) {
            sum = ALPHABET.charAt(v % 62) + sum;
            v = Math.floor(v / 62);
          }
          expect(isWellFormedApiToken(head + sum)).toBe(true);
          const other = ALPHABET.charAt((ALPHABET.indexOf(sum.charAt(0)) + 1) % 62) + sum.slice(1);
          expect(isWellFormedApiToken(head + other)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
