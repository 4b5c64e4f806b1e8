/** What every call of one client shares: where, how to authenticate, which fetch. */
export interface ClientContext {
  readonly baseUrl: string;
  readonly fetch: typeof globalThis.fetch;
  readonly token: string | undefined;
  readonly credentials: NonNullable<RequestInit['credentials']>;
  /** Authorization and tenant headers for a request. */
  headers(extra?: RequestInit['headers']): Headers;
}
