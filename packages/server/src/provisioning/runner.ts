import type { ProvisioningStepConfig, ServiceConfig } from '../config/service-schema.js';
import { runHttpStep } from './http-step.js';
import type { ProvisionedTenant, StepRecord, TenantProvisioning } from './state.js';
import type { StepOutcome } from './step-outcome.js';
import { runWebdavMkcolStep } from './webdav-mkcol-step.js';

/** A catalogue step with the service it belongs to, keyed `{serviceId}/{stepId}`. */
export interface PlannedStep {
  key: string;
  serviceId: string;
  step: ProvisioningStepConfig;
}

/** Every provisioning step of the catalogue, in catalogue order. */
export function planSteps(services: readonly ServiceConfig[]): PlannedStep[] {
  return services.flatMap((s) =>
    s.provisioning.map((step) => ({ key: `${s.id}/${step.id}`, serviceId: s.id, step })),
  );
}

function runStep(planned: PlannedStep, tenant: ProvisionedTenant): Promise<StepOutcome> {
  switch (planned.step.type) {
    case 'http':
      return runHttpStep(planned.step, planned.serviceId, tenant);
    case 'webdav-mkcol':
      return runWebdavMkcolStep(planned.step, tenant);
  }
}

/** The record of a step before it has run: `pending`, or `skipped` when the plan excludes it. */
export function initialRecord(planned: PlannedStep, tenant: ProvisionedTenant, at: Date): StepRecord {
  const excluded = planned.step.plans !== undefined && !planned.step.plans.includes(tenant.plan);
  return {
    service: planned.serviceId,
    step: planned.step.id,
    type: planned.step.type,
    state: excluded ? 'skipped' : 'pending',
    error: null,
    attempts: 0,
    updatedAt: at.toISOString(),
  };
}

/**
 * Which steps still need a run: those not ok or skipped, plus catalogue steps the tenant has no
 * record of yet (added to the catalogue after it was created — drift).
 */
export function stepsToRun(planned: readonly PlannedStep[], current: TenantProvisioning): PlannedStep[] {
  return planned.filter((p) => {
    const rec = current.steps[p.key];
    return rec === undefined || rec.state === 'pending' || rec.state === 'error';
  });
}

/**
 * Runs the steps concurrently and independently: one failing (or throwing) never stops the
 * others. Answers the new records of the steps it ran; plan-excluded steps come back `skipped`
 * without a call.
 */
export async function runSteps(
  steps: readonly PlannedStep[],
  tenant: ProvisionedTenant,
  previous: TenantProvisioning,
): Promise<Record<string, StepRecord>> {
  const results = await Promise.all(
    steps.map(async (p): Promise<[string, StepRecord]> => {
      const base = initialRecord(p, tenant, new Date());
      const attempts = (previous.steps[p.key]?.attempts ?? 0) + (base.state === 'skipped' ? 0 : 1);
      if (base.state === 'skipped') return [p.key, { ...base, attempts }];
      let outcome: StepOutcome;
      try {
        outcome = await runStep(p, tenant);
      } catch {
        outcome = { state: 'error', error: 'step failed unexpectedly' };
      }
      return [
        p.key,
        {
          ...base,
          state: outcome.state,
          error: outcome.state === 'error' ? outcome.error : null,
          attempts,
          updatedAt: new Date().toISOString(),
        },
      ];
    }),
  );
  return Object.fromEntries(results);
}
