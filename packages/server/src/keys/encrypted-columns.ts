/**
 * Every column that holds a keyring ciphertext. `keys rotate` walks this list; a feature that
 * stores a new secret adds its column here (the rotation test checks each one).
 */
export interface EncryptedColumn {
  table: string;
  idColumn: string;
  column: string;
  /** The `field` of the AAD the ciphertext was made with. */
  field: string;
}

export const encryptedColumns: readonly EncryptedColumn[] = [
  { table: 'login_requests', idColumn: 'id', column: 'code_verifier_enc', field: 'code_verifier' },
  { table: 'connections', idColumn: 'id', column: 'access_token_enc', field: 'access_token' },
  { table: 'connections', idColumn: 'id', column: 'refresh_token_enc', field: 'refresh_token' },
  {
    table: 'connection_authorizations',
    idColumn: 'id',
    column: 'code_verifier_enc',
    field: 'code_verifier',
  },
  { table: 'client_registrations', idColumn: 'id', column: 'registration_enc', field: 'registration' },
  { table: 'audit_webhooks', idColumn: 'id', column: 'secret_enc', field: 'secret' },
  {
    table: 'audit_webhooks',
    idColumn: 'id',
    column: 'previous_secret_enc',
    field: 'previous_secret',
  },
];
