import type { IncomingMessage } from 'node:http';
import { stdSerializers, type LoggerOptions } from 'pino';
import { newId } from '../ids.js';

// Query parameters whose values are secrets (OAuth codes and states, tokens).
const SECRET_QUERY =
  /^(code|state|token|access_token|refresh_token|id_token|client_secret|password|session_state|nonce)$/i;

/** The path with secret query values replaced, for logs. */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const shown = [...params.keys()].map((k) =>
    SECRET_QUERY.test(k) ? `${k}=[redacted]` : `${k}=${params.get(k) ?? ''}`,
  );
  return `${url.slice(0, q)}?${shown.join('&')}`;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Request ids need to be unique, not secret: a random per-process prefix (from `newId`) and a
 * counter, so the hot path (every proxied request) draws no random bytes.
 */
const processPrefix = newId('req');
let requestCounter = 0;

/** Keeps a caller's `X-Request-Id` when it is sane, otherwise mints `req_…`. */
export function genReqId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && REQUEST_ID.test(given)) return given;
  requestCounter = (requestCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${processPrefix}${requestCounter.toString(36)}`;
}

/**
 * Pino options: JSON lines with the request id; authorization, cookies and anything named like a
 * secret are censored wherever they appear.
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["proxy-authorization"]',
        'res.headers["set-cookie"]',
        '*.token',
        '*.accessToken',
        '*.access_token',
        '*.refreshToken',
        '*.refresh_token',
        '*.clientSecret',
        '*.client_secret',
        '*.password',
        '*.secret',
        '*.key',
      ],
      censor: '[redacted]',
    },
    serializers: {
      err: scrubbedError,
      req(req: { method: string; url: string; ip?: string; headers?: Record<string, unknown> }) {
        return {
          method: req.method,
          url: loggableUrl(req.url),
          ip: req.ip,
          userAgent: req.headers?.['user-agent'],
        };
      },
    },
  };
}

/** Removes `params: …` lines that query-builder errors embed in their message and stack. */
function withoutParams(text: string): string {
  return text.replace(/\nparams: [^\n]*/g, '\nparams: [redacted]');
}

/**
 * Error serializer: driver and query-builder errors carry the statement's parameters (token
 * hashes, ciphertexts, e-mail addresses); the log keeps the statement and the cause, never them.
 */
export function scrubbedError(err: Error): Record<string, unknown> {
  const serialized = stdSerializers.err(err) as unknown as Record<string, unknown>;
  return scrub(serialized, 0);
}

function scrub(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'params' || k === 'parameters') out[k] = '[redacted]';
    else if (typeof v === 'string') out[k] = withoutParams(v);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < 5) {
      out[k] = scrub(v as Record<string, unknown>, depth + 1);
    } else out[k] = v;
  }
  return out;
}
