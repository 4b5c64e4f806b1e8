import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
import type { DevIdpKey } from './keys.js';
import type { DemoUser } from './users.js';

/**
 * Mints an IdP access token (RFC 9068 shape) for a demo user without a browser, signed with the
 * development IdP's key, so scripts and tests can call the API as that user.
 */
export async function mintDevAccessToken(
  key: DevIdpKey,
  issuer: string,
  user: DemoUser,
  audience: string,
  expiresIn: number,
): Promise<string> {
  const signingKey = await importJWK(key.privateJwk, 'RS256');
  return new SignJWT({
    email: user.email,
    name: user.name,
    groups: user.groups,
    client_id: 'latchkey-dev',
    scope: 'openid email profile groups',
  })
    .setProtectedHeader({ alg: 'RS256', kid: key.privateJwk.kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setSubject(user.sub)
    .setAudience(audience)
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(`${expiresIn}s`)
    .sign(signingKey);
}
