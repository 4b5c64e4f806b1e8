import { latchkeySignature } from '../crypto/latchkey-signature.js';
import type { ProvisioningStepConfig } from '../config/service-schema.js';
import type { ProvisionedTenant } from './state.js';
import { fillTenant, networkFailure, STEP_TIMEOUT_MS, type StepOutcome } from './step-outcome.js';

type HttpStep = Extract<ProvisioningStepConfig, { type: 'http' }>;

export const SIGNATURE_HEADER = 'latchkey-signature';

function fillStrings(value: unknown, slug: string): unknown {
  if (typeof value === 'string') return fillTenant(value, slug);
  if (Array.isArray(value)) return value.map((v) => fillStrings(v, slug));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillStrings(v, slug)]));
  }
  return value;
}

/**
 * A webhook-style call any system can take part in. Runs again on reconcile, so it carries an
 * `Idempotency-Key` stable per tenant and step; any 2xx is success.
 */
export async function runHttpStep(
  step: HttpStep,
  serviceId: string,
  tenant: ProvisionedTenant,
  now: () => Date = () => new Date(),
): Promise<StepOutcome> {
  const payload =
    step.body === undefined
      ? {
          event: 'tenant.provision',
          service: serviceId,
          step: step.id,
          tenant: {
            id: tenant.id,
            slug: tenant.slug,
            name: tenant.name,
            plan: tenant.plan,
            domains: tenant.domains,
          },
        }
      : fillStrings(step.body, tenant.slug);
  const body = step.method === 'DELETE' && step.body === undefined ? '' : JSON.stringify(payload);
  const headers: Record<string, string> = {
    ...step.headers,
    'content-type': 'application/json',
    'idempotency-key': `${tenant.id}:${serviceId}:${step.id}`,
  };
  if (step.secret !== undefined) headers[SIGNATURE_HEADER] = latchkeySignature(step.secret, body, now());
  try {
    const res = await fetch(fillTenant(step.url, tenant.slug), {
      method: step.method,
      headers,
      body: body === '' ? null : body,
      redirect: 'manual',
      signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
    });
    await res.body?.cancel();
    if (res.status >= 200 && res.status < 300) return { state: 'ok' };
    return { state: 'error', error: `HTTP ${res.status}` };
  } catch (err) {
    return networkFailure(err);
  }
}
