import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { ensureDataDir } from '../config/embedded.js';

/** The development IdP's signing key, a private RSA JWK (RS256 is what OIDC clients expect). */
export interface DevIdpKey {
  privateJwk: JWK & { kid: string };
  publicJwk: JWK & { kid: string };
}

async function generate(): Promise<DevIdpKey> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  const kid = `dev-${Date.now().toString(36)}`;
  return toKey({ ...jwk, kid, alg: 'RS256', use: 'sig' });
}

function toKey(privateJwk: JWK & { kid: string }): DevIdpKey {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  return { privateJwk, publicJwk };
}

/** Kept in `<dataDir>/dev-idp-key.json` (0600) so tokens survive a restart of the embedded default. */
export async function loadOrCreateDevIdpKey(dataDir: string): Promise<DevIdpKey> {
  ensureDataDir(dataDir);
  const file = join(dataDir, 'dev-idp-key.json');
  if (existsSync(file)) return toKey(JSON.parse(readFileSync(file, 'utf8')) as JWK & { kid: string });
  const key = await generate();
  writeFileSync(file, JSON.stringify(key.privateJwk), { mode: 0o600 });
  return key;
}
