import { randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KeyringKey } from '../src/config/load.js';
import { Keyring, KeyringError, keyIdOf, type SecretContext } from '../src/crypto/keyring.js';
import { newId } from '../src/ids.js';
import { rotateKeys } from '../src/keys/rotate.js';
import type { Store } from '../src/store/db.js';
import { runMigrations } from '../src/store/migrate.js';
import { auditEvents, loginRequests } from '../src/store/schema/index.js';
import { storeTiers } from './helpers/store-tiers.js';

/** The key ids the configuration accepts (config/schema.ts). */
const keyIdArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
const keyArb = (id: fc.Arbitrary<string> = keyIdArb): fc.Arbitrary<KeyringKey> =>
  fc.record({
    id,
    key: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b)),
  });
// Well-formed Unicode: a lone surrogate has no UTF-8 encoding, so no string API could round-trip it.
const textArb = fc.string({ unit: 'grapheme', maxLength: 200 });
const contextArb: fc.Arbitrary<SecretContext> = fc.record({
  table: textArb,
  rowId: textArb,
  field: textArb,
});
const plaintextArb = fc.oneof(
  textArb,
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
);

function keyringError(fn: () => unknown): KeyringError {
  try {
    fn();
  } catch (err) {
    if (err instanceof KeyringError) return err;
    throw err;
  }
  throw new Error('expected a KeyringError, nothing was thrown');
}

function asBuffer(p: string | Buffer): Buffer {
  return typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
}

/** The ciphertext with one byte of its IV or body (ciphertext + tag) changed. */
function tamper(ciphertext: string, part: 'iv' | 'body', position: number, xor: number): string {
  const parts = ciphertext.split('.');
  const index = part === 'iv' ? 2 : 3;
  const bytes = Buffer.from(parts[index]!, 'base64url');
  const at = position % bytes.length;
  bytes[at] = bytes[at]! ^ xor;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('keyring: AES-256-GCM bound to table, row and field', () => {
  it('decrypts what it encrypted, for any plaintext, key and context', () => {
    fc.assert(
      fc.property(keyArb(), plaintextArb, contextArb, (key, plaintext, ctx) => {
        const ring = new Keyring([key]);
        const sealed = ring.encrypt(plaintext, ctx);
        expect(keyIdOf(sealed)).toBe(key.id);
        expect(ring.decrypt(sealed, ctx).equals(asBuffer(plaintext))).toBe(true);
        if (typeof plaintext === 'string') expect(ring.decryptString(sealed, ctx)).toBe(plaintext);
      }),
    );
  });

  it('never produces the same ciphertext twice for the same secret (fresh IV)', () => {
    fc.assert(
      fc.property(keyArb(), textArb, contextArb, (key, plaintext, ctx) => {
        const ring = new Keyring([key]);
        expect(ring.encrypt(plaintext, ctx)).not.toBe(ring.encrypt(plaintext, ctx));
      }),
    );
  });

  it('refuses a ciphertext with any single byte of its IV or body changed', () => {
    fc.assert(
      fc.property(
        keyArb(),
        plaintextArb,
        contextArb,
        fc.constantFrom('iv' as const, 'body' as const),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (key, plaintext, ctx, part, position, xor) => {
          const ring = new Keyring([key]);
          const forged = tamper(ring.encrypt(plaintext, ctx), part, position, xor);
          expect(keyringError(() => ring.decrypt(forged, ctx)).reason).toBe('authentication_failed');
        },
      ),
    );
  });

  it('refuses a ciphertext cut short', () => {
    fc.assert(
      fc.property(keyArb(), plaintextArb, contextArb, fc.integer({ min: 1, max: 40 }), (key, p, ctx, cut) => {
        const ring = new Keyring([key]);
        const sealed = ring.encrypt(p, ctx);
        const reason = keyringError(() => ring.decrypt(sealed.slice(0, -cut), ctx)).reason;
        expect(['authentication_failed', 'malformed']).toContain(reason);
      }),
    );
  });

  it('refuses a ciphertext presented for another table, row or field', () => {
    fc.assert(
      fc.property(
        keyArb(),
        plaintextArb,
        contextArb,
        fc.constantFrom('table' as const, 'rowId' as const, 'field' as const),
        textArb,
        (key, plaintext, ctx, which, other) => {
          fc.pre(other !== ctx[which]);
          const ring = new Keyring([key]);
          const sealed = ring.encrypt(plaintext, ctx);
          const elsewhere = { ...ctx, [which]: other };
          expect(keyringError(() => ring.decrypt(sealed, elsewhere)).reason).toBe('authentication_failed');
        },
      ),
    );
  });

  it('does not confuse contexts whose parts only differ in where they are split', () => {
    const ring = new Keyring([{ id: 'k1', key: randomBytes(32) }]);
    const sealed = ring.encrypt('secret', { table: 'a|b', rowId: 'c', field: 'd' });
    for (const ctx of [
      { table: 'a', rowId: 'b|c', field: 'd' },
      { table: 'a|b|c', rowId: '', field: 'd' },
      { table: 'a', rowId: 'b', field: 'c|d' },
    ]) {
      expect(keyringError(() => ring.decrypt(sealed, ctx)).reason).toBe('authentication_failed');
    }
  });

  it('names an unknown key id as such', () => {
    fc.assert(
      fc.property(keyArb(), keyArb(), textArb, contextArb, (sealer, other, plaintext, ctx) => {
        fc.pre(sealer.id !== other.id);
        const sealed = new Keyring([sealer]).encrypt(plaintext, ctx);
        expect(keyringError(() => new Keyring([other]).decrypt(sealed, ctx)).reason).toBe('unknown_key');
      }),
    );
  });

  it('refuses a ciphertext relabelled with another key id of the keyring', () => {
    fc.assert(
      fc.property(keyArb(), keyArb(), textArb, contextArb, (a, b, plaintext, ctx) => {
        fc.pre(a.id !== b.id);
        const ring = new Keyring([a, b]);
        const relabelled = ring.encrypt(plaintext, ctx).replace(`.${a.id}.`, `.${b.id}.`);
        expect(keyringError(() => ring.decrypt(relabelled, ctx)).reason).toBe('authentication_failed');
      }),
    );
  });

  it('refuses what is not a Latchkey ciphertext as malformed', () => {
    const ring = new Keyring([{ id: 'k1', key: randomBytes(32) }]);
    const ctx = { table: 't', rowId: 'r', field: 'f' };
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(keyringError(() => ring.decrypt(text, ctx)).reason).toBe('malformed');
      }),
    );
  });

  it('with [new, old] decrypts old ciphertexts, encrypts with new, and says what needs rotation', () => {
    fc.assert(
      fc.property(keyArb(), keyArb(), plaintextArb, contextArb, (fresh, old, plaintext, ctx) => {
        fc.pre(fresh.id !== old.id);
        const before = new Keyring([old]);
        const during = new Keyring([fresh, old]);
        const after = new Keyring([fresh]);

        const oldSealed = before.encrypt(plaintext, ctx);
        expect(during.decrypt(oldSealed, ctx).equals(asBuffer(plaintext))).toBe(true);
        expect(during.needsRotation(oldSealed)).toBe(true);

        const newSealed = during.encrypt(plaintext, ctx);
        expect(keyIdOf(newSealed)).toBe(fresh.id);
        expect(during.needsRotation(newSealed)).toBe(false);
        expect(after.decrypt(newSealed, ctx).equals(asBuffer(plaintext))).toBe(true);
        expect(keyringError(() => before.decrypt(newSealed, ctx)).reason).toBe('unknown_key');
      }),
    );
  });
});

const column = 'login_requests.code_verifier_enc';
const ctxOf = (rowId: string): SecretContext => ({ table: 'login_requests', rowId, field: 'code_verifier' });

for (const tier of storeTiers()) {
  describe.skipIf(!tier.available)(`keys rotate re-encrypts every secret in batches (${tier.name})`, () => {
    let store: Store;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ store, dispose } = await tier.open());
      await runMigrations(store);
    });
    afterAll(async () => {
      await dispose();
    });
    beforeEach(async () => {
      await store.db.delete(loginRequests);
      await store.db.delete(auditEvents);
    });

    /** Stores `count` login requests whose PKCE verifier is sealed with `ring`; returns id → verifier. */
    async function seed(ring: Keyring, count: number): Promise<Map<string, string>> {
      const verifiers = new Map<string, string>();
      for (let i = 0; i < count; i += 1) {
        const id = newId('lgn');
        const verifier = randomBytes(32).toString('base64url');
        await store.db.insert(loginRequests).values({
          id,
          stateHash: randomBytes(32).toString('base64url'),
          codeVerifierEnc: ring.encrypt(verifier, ctxOf(id)),
          nonce: 'n',
          returnTo: '/',
          expiresAt: new Date(Date.now() + 600_000),
        });
        verifiers.set(id, verifier);
      }
      return verifiers;
    }

    async function stored(): Promise<{ id: string; codeVerifierEnc: string }[]> {
      return store.db
        .select({ id: loginRequests.id, codeVerifierEnc: loginRequests.codeVerifierEnc })
        .from(loginRequests)
        .orderBy(asc(loginRequests.id));
    }

    async function rotationEvents() {
      return store.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.action, 'keys.rotated'))
        .orderBy(asc(auditEvents.seq));
    }

    it('moves every old secret to the new key, 3 rows per transaction, and audits each batch', async () => {
      const oldKey = { id: 'k2025', key: randomBytes(32) };
      const newKey = { id: 'k2026', key: randomBytes(32) };
      const oldSecrets = await seed(new Keyring([oldKey]), 10);
      const alreadyNew = await seed(new Keyring([newKey]), 2);
      const untouched = new Map((await stored()).map((r) => [r.id, r.codeVerifierEnc]));

      const progress: number[] = [];
      const report = await rotateKeys(store, new Keyring([newKey, oldKey]), {
        batchSize: 3,
        onProgress: (name, done) => {
          expect(name).toBe(column);
          progress.push(done);
        },
      });

      expect(report).toEqual({
        primaryKeyId: 'k2026',
        reencrypted: 10,
        byColumn: expect.objectContaining({ [column]: 10 }),
      });
      expect(progress).toEqual([3, 6, 9, 10]);

      const onlyNew = new Keyring([newKey]);
      const rows = await stored();
      expect(rows).toHaveLength(12);
      for (const row of rows) {
        expect(keyIdOf(row.codeVerifierEnc)).toBe('k2026');
        const expected = oldSecrets.get(row.id) ?? alreadyNew.get(row.id);
        expect(onlyNew.decryptString(row.codeVerifierEnc, ctxOf(row.id))).toBe(expected);
        // Rows already under the new key are left as they were.
        if (alreadyNew.has(row.id)) expect(row.codeVerifierEnc).toBe(untouched.get(row.id));
      }

      const events = await rotationEvents();
      expect(events.map((e) => e.metadata)).toEqual([
        { count: 3, toKeyId: 'k2026' },
        { count: 3, toKeyId: 'k2026' },
        { count: 3, toKeyId: 'k2026' },
        { count: 1, toKeyId: 'k2026' },
      ]);
      for (const e of events) {
        expect(e).toMatchObject({ actorType: 'system', targetType: 'column', targetId: column });
      }

      const again = await rotateKeys(store, new Keyring([newKey, oldKey]), { batchSize: 3 });
      expect(again).toEqual({
        primaryKeyId: 'k2026',
        reencrypted: 0,
        byColumn: expect.objectContaining({ [column]: 0 }),
      });
      expect(await rotationEvents()).toHaveLength(4);
      expect(await stored()).toEqual(rows);
    });

    it('rotates secrets of every old key, even when the new key id holds LIKE wildcards', async () => {
      // `_` is allowed in key ids and matches any one character in a LIKE pattern: the ciphertexts
      // of `k1x` must not be mistaken for ones already under `k1_`.
      const oldKey = { id: 'k1x', key: randomBytes(32) };
      const newKey = { id: 'k1_', key: randomBytes(32) };
      const secrets = await seed(new Keyring([oldKey]), 4);

      const report = await rotateKeys(store, new Keyring([newKey, oldKey]), { batchSize: 3 });

      expect(report.reencrypted).toBe(4);
      const onlyNew = new Keyring([newKey]);
      for (const row of await stored()) {
        expect(onlyNew.decryptString(row.codeVerifierEnc, ctxOf(row.id))).toBe(secrets.get(row.id));
      }
    });

    it('refuses a ciphertext copied into another row, and rotation does not launder it', async () => {
      const oldKey = { id: 'k-old', key: randomBytes(32) };
      const newKey = { id: 'k-new', key: randomBytes(32) };
      const oldRing = new Keyring([oldKey]);
      await seed(oldRing, 2);
      const [source, victim] = await stored();
      await store.db
        .update(loginRequests)
        .set({ codeVerifierEnc: source!.codeVerifierEnc })
        .where(eq(loginRequests.id, victim!.id));

      expect(oldRing.decryptString(source!.codeVerifierEnc, ctxOf(source!.id))).toBeTypeOf('string');
      const copied = keyringError(() => oldRing.decrypt(source!.codeVerifierEnc, ctxOf(victim!.id)));
      expect(copied.reason).toBe('authentication_failed');

      await expect(rotateKeys(store, new Keyring([newKey, oldKey]), { batchSize: 3 })).rejects.toSatisfy(
        (err: unknown) => err instanceof KeyringError && err.reason === 'authentication_failed',
      );
      // The failed batch rolled back: both rows still hold the old ciphertext, and no event claims otherwise.
      expect((await stored()).map((r) => r.codeVerifierEnc)).toEqual([
        source!.codeVerifierEnc,
        source!.codeVerifierEnc,
      ]);
      expect(await rotationEvents()).toEqual([]);
    });
  });
}
