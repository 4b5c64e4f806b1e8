import { describe, expectTypeOf, it } from 'vitest';
import {
  ConsentRequiredError,
  createLatchkeyClient,
  ExchangeError,
  LatchkeyError,
  paginate,
  unwrap,
  type ApiToken,
  type Connection,
  type ConsentRequired,
  type CreatedApiToken,
  type Dashboard,
  type ErrorCode,
  type ExchangedToken,
  type LatchkeyClient,
  type LatchkeyErrorCode,
  type Me,
} from '../src/index.js';

/*
 * The SDK's public surface as users see it. These lines are checked by the type checker
 * (`npm run typecheck`); the `@ts-expect-error` lines prove misuse does not compile.
 */
describe('@latchkey/sdk public types', () => {
  const lk: LatchkeyClient = createLatchkeyClient({ baseUrl: 'http://127.0.0.1:1' });

  it('types the high-level calls', () => {
    type Result<K extends keyof LatchkeyClient> = LatchkeyClient[K] extends (...args: never[]) => infer R
      ? Awaited<R>
      : never;
    type TokenResult<K extends keyof LatchkeyClient['tokens']> = Awaited<
      ReturnType<LatchkeyClient['tokens'][K]>
    >;
    expectTypeOf<Result<'me'>>().toEqualTypeOf<Me>();
    expectTypeOf<Result<'connect'>>().toEqualTypeOf<Connection | ConsentRequired>();
    expectTypeOf<TokenResult<'create'>>().toEqualTypeOf<CreatedApiToken>();
    expectTypeOf<TokenResult<'list'>>().toEqualTypeOf<ApiToken[]>();
    expectTypeOf<Result<'proxyFetch'>>().toEqualTypeOf<Response>();
    expectTypeOf<Result<'exchange'>>().toEqualTypeOf<ExchangedToken>();
    expectTypeOf<Result<'dashboard'>>().toEqualTypeOf<Dashboard>();
    expectTypeOf<Dashboard['proxy']['services'][number]['calls']>().toEqualTypeOf<number>();
    expectTypeOf<ApiToken['permissions'][number]>().toEqualTypeOf<'read' | 'write' | 'delete' | 'exchange'>();
  });

  it('types every route of the OpenAPI document', () => {
    const check = async (): Promise<void> => {
      const users = unwrap(await lk.api.GET('/api/v1/admin/users'));
      expectTypeOf(users.items[0]?.email).toEqualTypeOf<string | null | undefined>();
      const me = unwrap(await lk.api.GET('/api/v1/me'));
      expectTypeOf(me).toEqualTypeOf<Me>();
      // @ts-expect-error: not a route of the document
      await lk.api.GET('/api/v1/nope');
      // @ts-expect-error: a path parameter is required
      await lk.api.GET('/api/v1/api-tokens/{id}', {});
      // @ts-expect-error: the Dashboard has two windows
      await lk.dashboard({ window: '1y' });
      // @ts-expect-error: permissions are a closed list
      await lk.tokens.create({ name: 'x', services: ['demo'], permissions: ['admin'] });
    };
    expectTypeOf(check).toBeFunction();
  });

  it('gives errors a code union a switch can exhaust', () => {
    expectTypeOf<LatchkeyError['code']>().toEqualTypeOf<LatchkeyErrorCode>();
    expectTypeOf<'not_found'>().toExtend<ErrorCode>();
    expectTypeOf<'no_such_code'>().not.toExtend<ErrorCode>();
    expectTypeOf<ConsentRequiredError>().toExtend<LatchkeyError>();
    expectTypeOf<ConsentRequiredError['authorizationUrl']>().toEqualTypeOf<string>();
    expectTypeOf<ExchangeError['error']>().toExtend<string>();
    const describeError = (err: LatchkeyError): string => {
      switch (err.code) {
        case 'token_revoked':
          return 'revoked';
        default:
          return err.code;
      }
    };
    expectTypeOf(describeError).returns.toEqualTypeOf<string>();
  });

  it('paginates into typed items', () => {
    const events = paginate(async () => Promise.resolve({ items: [1, 2], nextCursor: null }));
    expectTypeOf(events).toEqualTypeOf<AsyncGenerator<number, void, undefined>>();
  });
});
