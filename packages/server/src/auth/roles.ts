/** Membership roles, strongest first. */
export const roles = ['owner', 'admin', 'member', 'guest'] as const;
export type Role = (typeof roles)[number];

export function roleRank(role: Role): number {
  return roles.length - roles.indexOf(role);
}

export function isTenantAdmin(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}
