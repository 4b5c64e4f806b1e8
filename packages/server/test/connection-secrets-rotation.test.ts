import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openRegistration,
  openToken,
  openVerifier,
  sealRegistration,
  sealToken,
  sealVerifier,
} from '../src/connections/secrets.js';
import { Keyring } from '../src/crypto/keyring.js';
import { rotateKeys } from '../src/keys/rotate.js';
import { openStore, type Store } from '../src/store/db.js';
import { runMigrations } from '../src/store/migrate.js';
import {
  clientRegistrations,
  connectionAuthorizations,
  connections,
  tenants,
  users,
} from '../src/store/schema/index.js';

/**
 * `keys rotate` reaches every connection secret: the columns registered in
 * keys/encrypted-columns.ts name the same AAD fields the connection code seals with, so after a
 * rotation the new key alone opens them.
 */
describe('keys rotate covers connection secrets', () => {
  const oldKey = { id: 'old', key: randomBytes(32) };
  const newKey = { id: 'new', key: randomBytes(32) };
  const before = new Keyring([oldKey]);
  let store: Store;

  beforeAll(async () => {
    store = await openStore({ pgliteDir: 'memory://' });
    await runMigrations(store);
    await store.db.insert(tenants).values({ id: 'ten_1', slug: 't', name: 'T', status: 'active' });
    await store.db.insert(users).values({ id: 'usr_1', issuer: 'https://idp', subject: 's' });
    await store.db.insert(clientRegistrations).values({
      id: 'reg_1',
      tenantId: 'ten_1',
      userId: 'usr_1',
      serviceId: 'drive',
      instanceUrl: 'https://drive',
      clientId: 'c1',
      registrationEnc: sealRegistration(before, 'reg_1', {
        instanceUrl: 'https://drive',
        clientId: 'c1',
        clientSecret: 'client-secret',
        registrationAccessToken: 'rat',
      }),
    });
    await store.db.insert(connections).values({
      id: 'con_1',
      tenantId: 'ten_1',
      userId: 'usr_1',
      serviceId: 'drive',
      accessTokenEnc: sealToken(before, 'con_1', 'access_token', 'access-1'),
      refreshTokenEnc: sealToken(before, 'con_1', 'refresh_token', 'refresh-1'),
      registrationId: 'reg_1',
    });
    await store.db.insert(connectionAuthorizations).values({
      id: 'cau_1',
      stateHash: 'h',
      tenantId: 'ten_1',
      userId: 'usr_1',
      serviceId: 'drive',
      codeVerifierEnc: sealVerifier(before, 'cau_1', 'verifier-1'),
      returnTo: '/',
      expiresAt: new Date(Date.now() + 600_000),
    });
  });
  afterAll(async () => {
    await store.close();
  });

  it('re-encrypts tokens, verifier and registration; the new key alone opens them', async () => {
    const report = await rotateKeys(store, new Keyring([newKey, oldKey]), { batchSize: 10 });
    expect(report.byColumn).toMatchObject({
      'connections.access_token_enc': 1,
      'connections.refresh_token_enc': 1,
      'connection_authorizations.code_verifier_enc': 1,
      'client_registrations.registration_enc': 1,
    });
    const only = new Keyring([newKey]);
    const [connection] = await store.db.select().from(connections);
    expect(openToken(only, 'con_1', 'access_token', connection!.accessTokenEnc!)).toBe('access-1');
    expect(openToken(only, 'con_1', 'refresh_token', connection!.refreshTokenEnc!)).toBe('refresh-1');
    const [pending] = await store.db.select().from(connectionAuthorizations);
    expect(openVerifier(only, 'cau_1', pending!.codeVerifierEnc!)).toBe('verifier-1');
    const [registration] = await store.db.select().from(clientRegistrations);
    expect(openRegistration(only, 'reg_1', registration!.registrationEnc)).toMatchObject({
      clientSecret: 'client-secret',
      registrationAccessToken: 'rat',
    });
  });
});
