import type { Me } from '../api/types.js';
import type { MessageKey } from '../i18n/i18n.js';

export interface NavItem {
  path: string;
  label: MessageKey;
  section: 'personal' | 'admin' | 'operator';
}

const ITEMS: readonly NavItem[] = [
  { path: '/', label: 'nav.dashboard', section: 'personal' },
  { path: '/tokens', label: 'nav.tokens', section: 'personal' },
  { path: '/audit', label: 'nav.audit', section: 'personal' },
  { path: '/admin/users', label: 'nav.adminUsers', section: 'admin' },
  { path: '/admin/audit', label: 'nav.adminAudit', section: 'admin' },
  { path: '/admin/services', label: 'nav.adminServices', section: 'admin' },
  { path: '/operator/tenants', label: 'nav.operatorTenants', section: 'operator' },
  { path: '/operator/partners', label: 'nav.operatorPartners', section: 'operator' },
];

/** A tenant admin (owner or admin of the active tenant) sees the admin pages. */
export function isTenantAdmin(me: Me): boolean {
  return me.tenant?.role === 'owner' || me.tenant?.role === 'admin';
}

/**
 * What the navigation offers this user: the server enforces every rule again, this only hides
 * what would answer 403 (SPEC §3.2 roles).
 */
export function navigationFor(me: Me): NavItem[] {
  return ITEMS.filter(
    (item) =>
      item.section === 'personal' ||
      (item.section === 'admin' && isTenantAdmin(me)) ||
      (item.section === 'operator' && me.user.platformAdmin),
  );
}
