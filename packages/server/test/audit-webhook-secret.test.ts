import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/audit/record.js';
import { createWebhook, webhookSecret } from '../src/audit/webhooks/subscriptions.js';
import { Keyring } from '../src/crypto/keyring.js';
import { rotateKeys } from '../src/keys/rotate.js';
import { openStore, type Store } from '../src/store/db.js';
import { runMigrations } from '../src/store/migrate.js';
import { auditWebhooks } from '../src/store/schema/index.js';

describe('outgoing webhook signing secrets at rest', () => {
  let store: Store;
  const oldKey = { id: 'k-old', key: randomBytes(32) };
  const newKey = { id: 'k-new', key: randomBytes(32) };

  beforeAll(async () => {
    store = await openStore({ pgliteDir: 'memory://' });
    await runMigrations(store);
  });
  afterAll(async () => {
    await store.close();
  });

  it('are stored encrypted, bound to their row, and re-encrypted by keys rotate', async () => {
    const { webhook, secret } = await store.db.transaction((tx) =>
      createWebhook(
        tx,
        new Keyring([oldKey]),
        'ten_a',
        { url: 'https://hooks.example/x', actions: [] },
        systemActor,
      ),
    );
    const load = async () => {
      const [row] = await store.db.select().from(auditWebhooks).where(eq(auditWebhooks.id, webhook.id));
      if (row === undefined) throw new Error('gone');
      return row;
    };
    const before = await load();
    expect(before.secretEnc).not.toContain(secret);
    // Another row's id as associated data does not decrypt (the ciphertext is bound to its row).
    expect(() =>
      webhookSecret(new Keyring([oldKey]), { id: 'whk_other', secretEnc: before.secretEnc }),
    ).toThrow();

    const report = await rotateKeys(store, new Keyring([newKey, oldKey]), { batchSize: 10 });
    expect(report.byColumn).toMatchObject({ 'audit_webhooks.secret_enc': 1 });
    // Only the new key is needed from now on.
    expect(webhookSecret(new Keyring([newKey]), await load())).toBe(secret);
  });
});
