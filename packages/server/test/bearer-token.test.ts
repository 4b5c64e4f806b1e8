import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearerToken } from '../src/auth/authenticate.js';

/** The general rule, as a regular expression: the shortcut must never disagree with it. */
const RULE = /^Bearer[ ]+([^\s]+)\s*$/i;

describe('Bearer credentials (RFC 6750 §2.1)', () => {
  it('reads the token exactly as the general rule does, shortcut or not (property)', () => {
    const part = fc.constantFrom(
      'Bearer',
      'bearer',
      'BEARER',
      'Basic',
      ' ',
      '  ',
      '\t',
      '\n',
      'lk_Ab9',
      '-._~+/=',
      'é',
      '\u00a0',
      '',
    );
    fc.assert(
      fc.property(
        fc.array(part, { maxLength: 6 }).map((p) => p.join('')),
        (header) => {
          expect(bearerToken(header), JSON.stringify(header)).toBe(RULE.exec(header)?.[1]);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('takes the common shapes and refuses the rest', () => {
    expect(bearerToken('Bearer lk_abc')).toBe('lk_abc');
    expect(bearerToken('bearer   eyJ.x.y  ')).toBe('eyJ.x.y');
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken('Bearer a\u00a0')).toBe('a');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
  });
});
