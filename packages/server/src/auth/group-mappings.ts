import { roleRank, type Role } from './roles.js';

export interface GroupMapping {
  group: string;
  platformAdmin?: boolean | undefined;
  tenant?: string | undefined;
  role?: Role | undefined;
}

/** What the IdP groups of a user grant, through the configured mappings only. */
export interface GrantedAccess {
  platformAdmin: boolean;
  /** tenant slug → strongest role granted by any of the user's groups */
  memberships: Map<string, Role>;
}

/**
 * Maps IdP groups to access. Rules: only configured mappings count (an unknown group grants
 * nothing); when several groups grant roles in one tenant, the strongest wins.
 */
export function mapGroups(groups: readonly string[], mappings: readonly GroupMapping[]): GrantedAccess {
  const held = new Set(groups);
  const access: GrantedAccess = { platformAdmin: false, memberships: new Map() };
  for (const m of mappings) {
    if (!held.has(m.group)) continue;
    if (m.platformAdmin === true) access.platformAdmin = true;
    if (m.tenant !== undefined && m.role !== undefined) {
      const current = access.memberships.get(m.tenant);
      if (current === undefined || roleRank(m.role) > roleRank(current))
        access.memberships.set(m.tenant, m.role);
    }
  }
  return access;
}

/** Tenants named by the mappings: they are created at start when missing (SPEC §11). */
export function tenantsNamedIn(mappings: readonly GroupMapping[]): string[] {
  return [...new Set(mappings.flatMap((m) => (m.tenant === undefined ? [] : [m.tenant])))];
}
