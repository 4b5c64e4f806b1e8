import { decodeJwt } from 'jose';
import { ConnectorError } from './connector.js';

/**
 * RFC 9207 §2.4: when the authorization response carries `iss`, it must be the issuer the
 * request went to; otherwise a mix-up attacker could have us send a code to the wrong token
 * endpoint. When the provider advertises `authorization_response_iss_parameter_supported`,
 * a missing `iss` is refused too.
 */
export function checkResponseIssuer(
  callbackUrl: URL,
  expectedIssuer: string | undefined,
  issRequired: boolean,
): void {
  const iss = callbackUrl.searchParams.get('iss');
  if (iss === null) {
    if (issRequired) throw new ConnectorError('issuer_mismatch', 'the authorization response has no iss');
    return;
  }
  if (expectedIssuer !== undefined && iss !== expectedIssuer) {
    throw new ConnectorError('issuer_mismatch', 'the authorization response comes from another issuer');
  }
}

/** RFC 6749 §4.1.2.1: the provider answered the authorization request with an error. */
export function checkAuthorizationError(callbackUrl: URL): void {
  const error = callbackUrl.searchParams.get('error');
  if (error === null) return;
  const code = error.slice(0, 64);
  throw new ConnectorError(
    code === 'access_denied' ? 'access_denied' : 'protocol',
    `the provider answered ${code}`,
    {
      providerCode: code,
    },
  );
}

/**
 * Latchkey refuses to store an access token minted for another audience (SPEC §4.1): when the
 * token is a JWT (RFC 9068), its `aud` must contain the expected one. The signature is not
 * checked here — the token came straight from the token endpoint over the connector's own
 * connection — only what it claims to be for. Opaque tokens carry no audience to check.
 */
export function checkAccessTokenAudience(accessToken: string, expected: string | undefined): void {
  if (expected === undefined || accessToken.split('.').length !== 3) return;
  let aud: unknown;
  try {
    aud = decodeJwt(accessToken).aud;
  } catch {
    return; // three dot-separated parts that are not a JWT: an opaque token after all
  }
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.includes(expected)) {
    throw new ConnectorError('audience_mismatch', 'the access token was minted for another audience');
  }
}
