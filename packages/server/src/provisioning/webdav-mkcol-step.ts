import type { ProvisioningStepConfig } from '../config/service-schema.js';
import type { ProvisionedTenant } from './state.js';
import { fillTenant, networkFailure, STEP_TIMEOUT_MS, type StepOutcome } from './step-outcome.js';

type MkcolStep = Extract<ProvisioningStepConfig, { type: 'webdav-mkcol' }>;

/**
 * Creates the tenant's collection. RFC 4918 §9.3.1: 201 Created; 405 Method Not Allowed when the
 * resource already exists — which is what a re-run after success meets, so it counts as ok and
 * reconcile stays idempotent. 409 (missing parent) and the rest are errors.
 */
export async function runWebdavMkcolStep(step: MkcolStep, tenant: ProvisionedTenant): Promise<StepOutcome> {
  const headers: Record<string, string> = {};
  if (step.username !== undefined) {
    const basic = Buffer.from(`${step.username}:${step.password ?? ''}`).toString('base64');
    headers.authorization = `Basic ${basic}`;
  }
  try {
    const res = await fetch(fillTenant(step.url, tenant.slug), {
      method: 'MKCOL',
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
    });
    await res.body?.cancel();
    if (res.status === 201 || res.status === 405) return { state: 'ok' };
    return { state: 'error', error: `MKCOL answered HTTP ${res.status}` };
  } catch (err) {
    return networkFailure(err);
  }
}
