import { Writable } from 'node:stream';
import type { LightMyRequestResponse as InjectResponse } from 'fastify';
import { expect } from 'vitest';
import type { ErrorCode, FieldError } from '../../src/errors.js';

/** A log destination that keeps every line, to prove what is (and is not) logged. */
export function captureLog(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** The body of an `application/problem+json` answer. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId: string;
  errors?: FieldError[];
}

/**
 * Asserts an answer is an RFC 9457 problem with this status and code, whose request id is also
 * the `X-Request-Id` header; returns the body.
 */
export function expectProblem(res: InjectResponse, status: number, code: ErrorCode): ProblemBody {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json<ProblemBody>();
  expect(body).toMatchObject({ status, code });
  for (const field of ['type', 'title', 'detail', 'requestId'] as const) {
    expect(typeof body[field], `problem.${field}`).toBe('string');
    expect(body[field].length, `problem.${field}`).toBeGreaterThan(0);
  }
  expect(res.headers['x-request-id']).toBe(body.requestId);
  return body;
}
