import type { Config } from '../config/load.js';
import { DEMO_TENANT, demoGroupMappings } from '../dev-idp/users.js';
import type { DevIdpKey } from '../dev-idp/keys.js';
import type { TenantSeed } from '../store/tenants.js';
import type { ConsoleClient } from './console-login.js';
import { tenantsNamedIn, type GroupMapping } from './group-mappings.js';
import type { TrustedIssuer } from './idp-token-verifier.js';

export const DEV_CONSOLE_CLIENT_ID = 'latchkey-console';

/** Who Latchkey trusts and how identities map to access, after development mode is applied. */
export interface IdentitySettings {
  issuers: TrustedIssuer[];
  console: ConsoleClient | undefined;
  groupMappings: GroupMapping[];
  /** Tenants created at start when missing: `tenants:` plus those named in group mappings. */
  tenantSeeds: TenantSeed[];
  /** Issuer of the development IdP when development mode is on. */
  devIssuer: string | undefined;
}

export function devIssuerOf(publicUrl: string): string {
  return `${publicUrl}/dev-idp`;
}

export const DEV_OPERATOR_AUDIENCE = 'latchkey-operator';
export const DEV_OPERATOR_SCOPE = 'latchkey:operator';

/** The resource indicator the development IdP answers with an operator-audience token. */
export function devOperatorResource(publicUrl: string): string {
  return `${publicUrl}/api/v1/operator`;
}

export function resolveIdentity(
  config: Config,
  dev: { key: DevIdpKey; consoleSecret: string } | undefined,
): IdentitySettings {
  const issuers: TrustedIssuer[] = config.idp.issuers.map((i) => ({
    issuer: i.issuer,
    audiences: i.audiences,
    operatorAudiences: i.operatorAudiences,
    algorithms: i.algorithms,
    jwksUri: i.jwksUri,
  }));
  const groupMappings: GroupMapping[] = [...config.idp.groupMappings];
  let consoleClient: ConsoleClient | undefined = config.idp.console;
  let devIssuer: string | undefined;
  const seeds: TenantSeed[] = config.tenants.map((t) => ({ slug: t.slug, name: t.name, plan: t.plan }));

  if (config.devMode && dev !== undefined) {
    devIssuer = devIssuerOf(config.server.publicUrl);
    issuers.push({
      issuer: devIssuer,
      audiences: ['latchkey'],
      operatorAudiences: [DEV_OPERATOR_AUDIENCE],
      algorithms: ['RS256'],
      localJwks: { keys: [dev.key.publicJwk] },
    });
    groupMappings.push(...demoGroupMappings);
    seeds.push({ ...DEMO_TENANT });
    consoleClient ??= {
      issuer: devIssuer,
      clientId: DEV_CONSOLE_CLIENT_ID,
      clientSecret: dev.consoleSecret,
      scopes: ['openid', 'email', 'profile', 'groups'],
      operator: { resource: devOperatorResource(config.server.publicUrl), scopes: [DEV_OPERATOR_SCOPE] },
    };
  }
  for (const slug of tenantsNamedIn(groupMappings)) {
    if (!seeds.some((s) => s.slug === slug)) seeds.push({ slug, name: slug, plan: 'standard' });
  }
  const unique = new Map(seeds.map((s) => [s.slug, s]));
  return { issuers, console: consoleClient, groupMappings, tenantSeeds: [...unique.values()], devIssuer };
}
