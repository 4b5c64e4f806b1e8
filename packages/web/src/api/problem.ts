/**
 * An error answered by the Latchkey API as `application/problem+json` (RFC 9457). The console
 * shows `detail` (or the title) to people, never the raw JSON.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly requestId: string | undefined;

  constructor(status: number, code: string, title: string, detail?: string, requestId?: string) {
    super(detail ?? title);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.requestId = requestId;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Reads a failed response into an ApiError, whatever its body holds. */
export async function problemFrom(res: Response): Promise<ApiError> {
  let body: unknown = undefined;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's HTML error page): the status line is all there is to show.
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return new ApiError(
    res.status,
    text(record.code) ?? `http_${res.status}`,
    text(record.title) ?? (res.statusText || `HTTP ${res.status}`),
    text(record.detail),
    text(record.requestId) ?? res.headers.get('x-request-id') ?? undefined,
  );
}
