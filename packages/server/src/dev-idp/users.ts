/** The demo users of the development IdP (SPEC §3.1), all in tenant `demo`. */
export interface DemoUser {
  sub: string;
  name: string;
  email: string;
  groups: string[];
  /** One line shown on the sign-in page. */
  describes: string;
}

export const DEMO_TENANT = { slug: 'demo', name: 'Demo Organisation', plan: 'standard' } as const;

export const demoUsers: readonly DemoUser[] = [
  {
    sub: 'alice',
    name: 'Alice Martin',
    email: 'alice@demo.test',
    groups: ['demo'],
    describes: 'member of demo',
  },
  {
    sub: 'gina',
    name: 'Gina Guest',
    email: 'gina@demo.test',
    groups: ['demo-guests'],
    describes: 'guest in demo',
  },
  {
    sub: 'adam',
    name: 'Adam Admin',
    email: 'adam@demo.test',
    groups: ['demo-admins'],
    describes: 'tenant admin of demo',
  },
  {
    sub: 'olga',
    name: 'Olga Operator',
    email: 'olga@demo.test',
    groups: ['platform-admins'],
    describes: 'platform admin (operator)',
  },
];

/** Group mappings the development mode adds, so the demo users get their roles. */
export const demoGroupMappings = [
  { group: 'platform-admins', platformAdmin: true },
  { group: 'demo-admins', tenant: DEMO_TENANT.slug, role: 'admin' },
  { group: 'demo', tenant: DEMO_TENANT.slug, role: 'member' },
  { group: 'demo-guests', tenant: DEMO_TENANT.slug, role: 'guest' },
] as const;

export function findDemoUser(sub: string): DemoUser | undefined {
  return demoUsers.find((u) => u.sub === sub);
}
