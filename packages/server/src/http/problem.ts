import type { ServerResponse } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, toProblem, type FieldError } from '../errors.js';

/**
 * Writes an AppError as `application/problem+json` on a plain node:http response (the proxy's
 * front door, which answers before Fastify); the same document `sendProblem` sends.
 */
export function writeProblem(res: ServerResponse, requestId: string, error: AppError): void {
  const body = JSON.stringify(toProblem(error.code, error.message, requestId, error.fields, error.extra));
  res.writeHead(error.status, {
    ...error.headers,
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
  });
  res.end(body);
}

/** Sends an AppError as `application/problem+json`. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  if (error.headers !== undefined) {
    for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
  }
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send(toProblem(error.code, error.message, request.id, error.fields, error.extra));
}

function validationFields(error: FastifyError): FieldError[] {
  if (!hasZodFastifySchemaValidationErrors(error)) return [];
  const part = error.validationContext ?? 'request';
  return error.validation.flatMap((v) => {
    const path = [part, ...v.instancePath.split('/').filter((s) => s !== '')].join('.');
    const keys = (v.params as { keys?: unknown }).keys;
    if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      return keys.map((k) => ({ path: `${path}.${String(k)}`, message: 'unknown field' }));
    }
    return [{ path, message: v.message ?? 'invalid' }];
  });
}

/**
 * Maps what Fastify and its parsers throw to catalogue codes: every failure a client can cause is
 * a 4xx problem; anything else is a generic 500 whose cause goes only to the log.
 */
export function toAppError(error: FastifyError | AppError | Error): AppError {
  if (error instanceof AppError) return error;
  const fe = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fe)) {
    const fields = validationFields(fe);
    return new AppError('validation_failed', `${fields.length} field(s) are invalid`, { fields });
  }
  if (isResponseSerializationError(fe)) return new AppError('internal_error', undefined, { cause: error });
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'the request body exceeds the size limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'the body is empty but the content type says JSON');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('invalid_json', 'the body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('bad_request', 'the Content-Length does not match the body');
    case 'FST_ERR_BAD_URL':
      return new AppError('bad_request', 'the URL is not validly percent-encoded');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('bad_request', 'a path segment of the URL is too long');
    case 'FST_ERR_VALIDATION':
      return new AppError('validation_failed', fe.message);
    default:
      break;
  }
  if (error instanceof SyntaxError && fe.statusCode === 400) {
    return new AppError('invalid_json', 'the body is not valid JSON');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.statusCode === 413)
      return new AppError('payload_too_large', 'the request body exceeds the size limit');
    if (fe.statusCode === 415) return new AppError('unsupported_media_type', 'unsupported content type');
    return new AppError('bad_request', 'the request could not be processed');
  }
  return new AppError('internal_error', undefined, { cause: error });
}

/**
 * Fastify's `frameworkErrors` option: errors raised while routing (a malformed percent-encoding,
 * an over-long path parameter) happen before any hook, so without this they answer Fastify's own
 * JSON with no request id.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const appError = toAppError(error);
  if (appError.status >= 500) request.log.error({ err: error, code: appError.code }, 'request failed');
  else request.log.info({ code: appError.code, status: appError.status }, 'request refused');
  void sendProblem(request, reply.header('x-request-id', request.id), appError);
}

/** Installs the error and not-found handlers: problem+json everywhere. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    let appError: AppError;
    try {
      appError = toAppError(error);
    } catch {
      appError = new AppError('internal_error', undefined, { cause: error });
    }
    if (appError.status >= 500) {
      request.log.error({ err: error, code: appError.code }, 'request failed');
    } else {
      request.log.info({ code: appError.code, status: appError.status }, 'request refused');
    }
    return sendProblem(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new AppError('route_not_found', `no route for ${request.method} ${request.url.split('?')[0] ?? ''}`),
    ),
  );
}
