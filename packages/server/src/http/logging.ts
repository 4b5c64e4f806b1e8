import type { IncomingMessage } from 'node:http';
import type { LoggerOptions } from 'pino';
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

/** Keeps a caller's `X-Request-Id` when it is sane, otherwise mints `req_…`. */
export function genReqId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : newId('req');
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
