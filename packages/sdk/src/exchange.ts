import type { ClientContext } from './context.js';
import { ConsentRequiredError, ExchangeError, type OAuthErrorCode } from './errors.js';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

/** A downstream token obtained by token exchange (RFC 8693 §2.2.1). */
export interface ExchangedToken {
  /** The service's own access token: send it to the service directly. */
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until it expires, when the provider said. */
  expiresIn?: number;
  scope?: string;
  issuedTokenType: string;
}

/** Options of {@link LatchkeyClient.exchange}. */
export interface ExchangeOptions {
  /** The token to exchange; defaults to the client's token. */
  subjectToken?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const OAUTH_ERRORS = new Set<string>([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'invalid_target',
  'unauthorized_client',
  'unsupported_grant_type',
  'temporarily_unavailable',
  'server_error',
]);

function isOAuthErrorCode(value: unknown): value is OAuthErrorCode {
  return typeof value === 'string' && OAUTH_ERRORS.has(value);
}

/** `POST /oauth/token` (RFC 8693): see {@link LatchkeyClient.exchange}. */
export async function exchangeWith(
  ctx: ClientContext,
  service: string,
  options: ExchangeOptions = {},
): Promise<ExchangedToken> {
  const subject = options.subjectToken ?? ctx.token;
  if (subject === undefined) throw new ExchangeError('invalid_request', 'exchange needs a token', 0);
  const response = await ctx.fetch(`${ctx.baseUrl.replace(/\/+$/, '')}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: TOKEN_EXCHANGE,
      subject_token: subject,
      subject_token_type: ACCESS_TOKEN,
      audience: service,
    }).toString(),
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!isRecord(body)) {
    throw new ExchangeError('unexpected_response', `HTTP ${String(response.status)}`, response.status);
  }
  if (response.ok && typeof body.access_token === 'string') {
    return {
      accessToken: body.access_token,
      tokenType: 'Bearer',
      issuedTokenType: typeof body.issued_token_type === 'string' ? body.issued_token_type : ACCESS_TOKEN,
      ...(typeof body.expires_in === 'number' ? { expiresIn: body.expires_in } : {}),
      ...(typeof body.scope === 'string' ? { scope: body.scope } : {}),
    };
  }
  const description = typeof body.error_description === 'string' ? body.error_description : '';
  // SPEC §6.2: a consent is signalled as invalid_grant with an `authorization_url` member.
  if (body.error === 'invalid_grant' && typeof body.authorization_url === 'string') {
    throw new ConsentRequiredError(
      {
        type: 'about:blank',
        title: 'The connection needs a consent',
        status: response.status,
        detail: description,
        code: 'connection_needs_consent',
        extra: {},
      },
      body.authorization_url,
    );
  }
  const error = isOAuthErrorCode(body.error) ? body.error : 'unexpected_response';
  throw new ExchangeError(error, description || error, response.status);
}
