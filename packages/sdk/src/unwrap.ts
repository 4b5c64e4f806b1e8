import { LatchkeyError } from './errors.js';

/**
 * The `data` of a typed call, or a {@link LatchkeyError} when there is none. Failed calls already
 * throw (the client's error middleware), so this only narrows `data | undefined` to `data`.
 *
 * @example
 * const me = unwrap(await lk.api.GET('/api/v1/me'));
 * console.log(me.user.email);
 */
export function unwrap<D>(result: { data?: D; response: Response }): D {
  if (result.data === undefined) {
    throw new LatchkeyError({
      type: 'about:blank',
      title: 'Empty response',
      status: result.response.status,
      detail: `HTTP ${String(result.response.status)} without a body`,
      code: 'unexpected_response',
      extra: {},
    });
  }
  return result.data;
}
