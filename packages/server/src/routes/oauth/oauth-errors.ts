import type { FastifyInstance } from 'fastify';
import { toAppError } from '../../http/problem.js';

/** RFC 6749 §5.2 error codes used by Latchkey's OAuth endpoints. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_target'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'temporarily_unavailable'
  | 'server_error';

export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly status: number;
  /** Extra members of the error JSON (RFC 6749 §5.2 allows them), e.g. `authorization_url`. */
  readonly extra: Readonly<Record<string, string>> | undefined;
  constructor(
    error: OAuthErrorCode,
    description: string,
    status = 400,
    extra?: Readonly<Record<string, string>>,
  ) {
    super(description);
    this.error = error;
    this.status = status;
    this.extra = extra;
  }
}

/** OAuth endpoints answer RFC 6749 error JSON, not problem+json (SPEC §11 Errors). */
export function installOAuthErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((err, request, reply) => {
    if (err instanceof OAuthError) {
      if (err.error === 'invalid_client') void reply.header('www-authenticate', 'Basic realm="latchkey"');
      return reply
        .code(err.status)
        .header('cache-control', 'no-store')
        .send({ ...err.extra, error: err.error, error_description: err.message });
    }
    const appError = toAppError(err as Error);
    if (appError.status >= 500) request.log.error({ err, code: appError.code }, 'oauth request failed');
    const error: OAuthErrorCode =
      appError.status === 503
        ? 'temporarily_unavailable'
        : appError.status >= 500
          ? 'server_error'
          : 'invalid_request';
    return reply
      .code(appError.status >= 500 ? appError.status : 400)
      .header('cache-control', 'no-store')
      .send({
        error,
        error_description: appError.status >= 500 ? `request ${request.id} failed` : appError.message,
      });
  });
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16_384 },
    (_req, body, done) => {
      done(
        null,
        Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))),
      );
    },
  );
}
