import type { ClientRegistration } from '../connectors/connector.js';
import type { Keyring } from '../crypto/keyring.js';

/*
 * The keyring contexts of connection secrets: each ciphertext is bound to its table, row and
 * field (AAD), so a token copied into another row or column does not decrypt. The fields are
 * those registered in keys/encrypted-columns.ts for `keys rotate`.
 */

export function sealToken(
  keyring: Keyring,
  rowId: string,
  field: 'access_token' | 'refresh_token',
  value: string,
): string {
  return keyring.encrypt(value, { table: 'connections', rowId, field });
}

export function openToken(
  keyring: Keyring,
  rowId: string,
  field: 'access_token' | 'refresh_token',
  sealed: string,
): string {
  return keyring.decryptString(sealed, { table: 'connections', rowId, field });
}

export function sealVerifier(keyring: Keyring, rowId: string, verifier: string): string {
  return keyring.encrypt(verifier, { table: 'connection_authorizations', rowId, field: 'code_verifier' });
}

export function openVerifier(keyring: Keyring, rowId: string, sealed: string): string {
  return keyring.decryptString(sealed, { table: 'connection_authorizations', rowId, field: 'code_verifier' });
}

export function sealRegistration(keyring: Keyring, rowId: string, registration: ClientRegistration): string {
  return keyring.encrypt(JSON.stringify(registration), {
    table: 'client_registrations',
    rowId,
    field: 'registration',
  });
}

export function openRegistration(keyring: Keyring, rowId: string, sealed: string): ClientRegistration {
  const parsed = JSON.parse(
    keyring.decryptString(sealed, { table: 'client_registrations', rowId, field: 'registration' }),
  ) as ClientRegistration;
  return parsed;
}
