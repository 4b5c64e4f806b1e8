/** What a step knows about the tenant it provisions. */
export interface ProvisionedTenant {
  id: string;
  slug: string;
  name: string;
  plan: string;
  domains: readonly string[];
}

export type StepState = 'ok' | 'skipped' | 'error' | 'pending';

/** One step's record in `tenants.provisioning`, keyed `{serviceId}/{stepId}`. */
export interface StepRecord {
  service: string;
  step: string;
  type: string;
  state: StepState;
  /** Why the last run failed; safe to show to an operator (status line, never a secret). */
  error: string | null;
  attempts: number;
  updatedAt: string;
}

/** The `tenants.provisioning` document. */
export interface TenantProvisioning {
  steps: Record<string, StepRecord>;
}

/** Reads the stored document defensively: it is JSON written by earlier versions too. */
export function readProvisioning(value: unknown): TenantProvisioning {
  if (typeof value === 'object' && value !== null && 'steps' in value) {
    const steps = value.steps;
    if (typeof steps === 'object' && steps !== null)
      return { steps: { ...(steps as Record<string, StepRecord>) } };
  }
  return { steps: {} };
}

/** Done when every step is ok or skipped: the tenant may become active (SPEC §7). */
export function provisioningComplete(p: TenantProvisioning): boolean {
  return Object.values(p.steps).every((s) => s.state === 'ok' || s.state === 'skipped');
}
