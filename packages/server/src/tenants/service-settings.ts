import type { ServiceSettingsOverride } from '../store/tenants.js';

/** Refresh settings of one service in one tenant, as the refresh engine should apply them. */
export interface EffectiveServiceSettings extends ServiceSettingsOverride {
  /** True when a tenant admin set them; false when they are the catalogue's defaults. */
  overridden: boolean;
}

/** Concurrent refreshes per service and tenant when nobody said otherwise. */
export const DEFAULT_MAX_CONCURRENCY = 4;

/**
 * The catalogue entry's `refresh` defaults, unless the tenant admin chose otherwise for this
 * tenant. Rule: an override replaces all three values at once (no half-merged settings).
 */
export function effectiveServiceSettings(
  defaults: { enabled: boolean; beforeExpirySeconds: number },
  override: ServiceSettingsOverride | undefined,
): EffectiveServiceSettings {
  if (override !== undefined) return { ...override, overridden: true };
  return {
    refreshEnabled: defaults.enabled,
    beforeExpirySeconds: defaults.beforeExpirySeconds,
    maxConcurrency: DEFAULT_MAX_CONCURRENCY,
    overridden: false,
  };
}
