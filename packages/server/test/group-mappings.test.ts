import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapGroups, tenantsNamedIn, type GroupMapping } from '../src/auth/group-mappings.js';
import { roleRank, roles, type Role } from '../src/auth/roles.js';

const mappings: GroupMapping[] = [
  { group: 'platform-admins', platformAdmin: true },
  { group: 'acme', tenant: 'acme', role: 'member' },
  { group: 'acme-admins', tenant: 'acme', role: 'admin' },
  { group: 'acme-guests', tenant: 'acme', role: 'guest' },
  { group: 'globex-owners', tenant: 'globex', role: 'owner' },
  // One group may carry both a tenant role and the platform-admin flag.
  { group: 'ops', tenant: 'ops', role: 'member', platformAdmin: true },
];

describe('IdP group mappings (SPEC §3.1)', () => {
  it('grants the role a held group maps to', () => {
    const access = mapGroups(['acme'], mappings);
    expect(access.platformAdmin).toBe(false);
    expect([...access.memberships]).toEqual([['acme', 'member']]);
  });

  it('lets the strongest role win when several groups name one tenant, in any order', () => {
    for (const groups of [
      ['acme-guests', 'acme', 'acme-admins'],
      ['acme-admins', 'acme-guests', 'acme'],
    ]) {
      expect(mapGroups(groups, mappings).memberships.get('acme')).toBe('admin');
      expect(mapGroups(groups, [...mappings].reverse()).memberships.get('acme')).toBe('admin');
    }
    expect(mapGroups(['acme-guests', 'acme'], mappings).memberships.get('acme')).toBe('member');
  });

  it('grants nothing for unknown groups, near-misses included', () => {
    const access = mapGroups(['Acme', 'acme ', 'acme-admins-old', 'platform-admin', ''], mappings);
    expect(access).toEqual({ platformAdmin: false, memberships: new Map() });
    expect(mapGroups(['acme-admins'], [])).toEqual({ platformAdmin: false, memberships: new Map() });
  });

  it('sets platform admin only through a mapping that says so', () => {
    expect(mapGroups(['platform-admins'], mappings)).toEqual({ platformAdmin: true, memberships: new Map() });
    const ops = mapGroups(['ops'], mappings);
    expect(ops.platformAdmin).toBe(true);
    expect(ops.memberships.get('ops')).toBe('member');
    expect(mapGroups(['globex-owners'], mappings).platformAdmin).toBe(false);
  });

  it('keeps tenants apart', () => {
    const access = mapGroups(['acme-guests', 'globex-owners'], mappings);
    expect(Object.fromEntries(access.memberships)).toEqual({ acme: 'guest', globex: 'owner' });
  });

  it('names every tenant of the mappings once, in order of first mention', () => {
    expect(tenantsNamedIn(mappings)).toEqual(['acme', 'globex', 'ops']);
    expect(tenantsNamedIn([{ group: 'platform-admins', platformAdmin: true }])).toEqual([]);
  });
});

describe('IdP group mappings: properties', () => {
  const groupName = fc.constantFrom('g1', 'g2', 'g3', 'g4', 'g5', 'g6');
  const tenant = fc.constantFrom('t1', 't2', 't3');
  const role = fc.constantFrom(...roles);
  const mapping: fc.Arbitrary<GroupMapping> = fc.oneof(
    fc.record({ group: groupName, platformAdmin: fc.constant(true) }),
    fc.record({ group: groupName, tenant, role }),
    fc.record({ group: groupName, tenant, role, platformAdmin: fc.boolean() }),
  );
  const mappingList = fc.array(mapping, { maxLength: 12 });
  // Held groups mix mapped names with names no mapping uses.
  const held = fc.array(fc.oneof(groupName, fc.string({ maxLength: 8 })), { maxLength: 8 });

  it('never grants a tenant, or a role in it, that no held group maps', () => {
    fc.assert(
      fc.property(held, mappingList, (groups, list) => {
        const access = mapGroups(groups, list);
        for (const [t, r] of access.memberships) {
          const grantedBy = list.filter((m) => groups.includes(m.group) && m.tenant === t && m.role === r);
          expect(grantedBy.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('grants each mapped tenant the strongest role among the held groups', () => {
    fc.assert(
      fc.property(held, mappingList, (groups, list) => {
        const access = mapGroups(groups, list);
        const expected = new Map<string, Role>();
        for (const m of list) {
          if (!groups.includes(m.group) || m.tenant === undefined || m.role === undefined) continue;
          const current = expected.get(m.tenant);
          if (current === undefined || roleRank(m.role) > roleRank(current)) expected.set(m.tenant, m.role);
        }
        expect(Object.fromEntries(access.memberships)).toEqual(Object.fromEntries(expected));
        expect(access.platformAdmin).toBe(
          list.some((m) => m.platformAdmin === true && groups.includes(m.group)),
        );
      }),
    );
  });

  it('is unchanged by groups that no mapping names, and by the order of groups', () => {
    fc.assert(
      fc.property(held, mappingList, fc.array(fc.string({ maxLength: 8 })), (groups, list, extra) => {
        const unknown = extra.filter((g) => !list.some((m) => m.group === g));
        const base = mapGroups(groups, list);
        const noisy = mapGroups([...unknown, ...groups.slice().reverse(), ...unknown], list);
        expect(noisy.platformAdmin).toBe(base.platformAdmin);
        expect(Object.fromEntries(noisy.memberships)).toEqual(Object.fromEntries(base.memberships));
      }),
    );
  });

  it('names exactly the tenants the mappings name, each once', () => {
    fc.assert(
      fc.property(mappingList, (list) => {
        const named = tenantsNamedIn(list);
        expect(new Set(named).size).toBe(named.length);
        expect(new Set(named)).toEqual(
          new Set(list.flatMap((m) => (m.tenant === undefined ? [] : [m.tenant]))),
        );
      }),
    );
  });
});
