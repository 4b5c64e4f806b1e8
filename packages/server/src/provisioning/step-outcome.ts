/** The result of running one step once. `error` is a short, client-safe status line. */
export type StepOutcome = { state: 'ok' } | { state: 'error'; error: string };

/** Per-request ceiling: a slow service must not hold the tenant in `pending` for long. */
export const STEP_TIMEOUT_MS = 10_000;

/** Turns a network failure into a status line without upstream text (it may echo secrets). */
export function networkFailure(err: unknown): StepOutcome {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return { state: 'error', error: `timed out after ${STEP_TIMEOUT_MS} ms` };
  }
  const code =
    err instanceof Error && err.cause instanceof Error && 'code' in err.cause
      ? String(err.cause.code)
      : undefined;
  return { state: 'error', error: code === undefined ? 'network error' : `network error (${code})` };
}

/** `{tenant}` → the slug, URL-encoded (a DNS label needs none, but the rule is cheap). */
export function fillTenant(template: string, slug: string): string {
  return template.replaceAll('{tenant}', encodeURIComponent(slug));
}
