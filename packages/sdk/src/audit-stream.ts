import type { ClientContext } from './context.js';
import { errorFromResponse } from './errors.js';
import type { AuditEvent, AuditFilters } from './types.js';

/** Options of {@link LatchkeyClient.followAudit}. */
export interface FollowOptions {
  /** Ends the tail. */
  signal?: AbortSignal;
  /** Resume after this event (its `seq`), as SSE `Last-Event-ID` does. */
  lastEventId?: string;
  /**
   * Whose events: the caller's own (default), the active tenant's (tenant admins) or every
   * tenant's (operators; `tenant` narrows to one tenant id).
   */
  view?: AuditView;
  /** Operator view only: one tenant's events. */
  tenant?: string;
  /** Called once the server has accepted the tail: events from then on will arrive. */
  onOpen?: () => void;
}

export type AuditView = 'own' | 'tenant' | 'all';

const STREAM_PATHS: Record<AuditView, string> = {
  own: '/api/v1/audit/stream',
  tenant: '/api/v1/admin/audit/stream',
  all: '/api/v1/operator/audit/stream',
};

/** The URL of an audit endpoint with its filters as query parameters. */
export function auditUrl(baseUrl: string, path: string, filters: object): string {
  // Built by hand rather than with `new URL`: a browser client's base URL may be '' (same origin).
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== null) query.set(key, String(value));
  }
  const search = query.toString();
  return `${baseUrl.replace(/\/+$/, '')}${path}${search === '' ? '' : `?${search}`}`;
}

/** Splits a server-sent event stream (WHATWG HTML §9.2) into `{ event, id, data }` messages. */
async function* sseMessages(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<{ event: string; id: string | undefined; data: string }, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        let event = 'message';
        let id: string | undefined;
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon === -1 ? line : line.slice(0, colon);
          const raw = colon === -1 ? '' : line.slice(colon + 1);
          const text = raw.startsWith(' ') ? raw.slice(1) : raw;
          if (field === 'event') event = text;
          else if (field === 'id') id = text;
          else if (field === 'data') data.push(text);
        }
        if (data.length > 0) yield { event, id, data: data.join('\n') };
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** The live tail of an audit view: see {@link LatchkeyClient.followAudit}. */
export async function* followAuditWith(
  ctx: ClientContext,
  filters: AuditFilters,
  options: FollowOptions = {},
): AsyncGenerator<AuditEvent, void, undefined> {
  const headers = ctx.headers({ accept: 'text/event-stream' });
  if (options.lastEventId !== undefined) headers.set('last-event-id', options.lastEventId);
  const view = options.view ?? 'own';
  const query =
    view === 'all' && options.tenant !== undefined ? { ...filters, tenant: options.tenant } : filters;
  const response = await ctx.fetch(auditUrl(ctx.baseUrl, STREAM_PATHS[view], query), {
    headers,
    credentials: ctx.credentials,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (!response.ok) throw await errorFromResponse(response);
  if (response.body === null) return;
  options.onOpen?.();
  try {
    for await (const message of sseMessages(response.body)) {
      // Each `audit` message carries one event as JSON (routes/audit/stream.ts).
      if (message.event === 'audit') yield JSON.parse(message.data) as AuditEvent;
    }
  } catch (err) {
    if (options.signal?.aborted === true) return;
    throw err;
  }
}
