import { Checkbox, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { unwrap } from '@latchkey/sdk';
import { latchkey } from '../api/client.js';
import type { AdminApiToken, TenantUser } from '../api/types.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { EmptyState } from '../components/empty-state.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { StatusBadge } from '../components/status-badge.js';
import { useI18n } from '../i18n/i18n.js';

function useTenantUsers() {
  return useQuery({
    queryKey: ['admin', 'users'],
    queryFn: async () => unwrap(await latchkey().api.GET('/api/v1/admin/users')).items,
  });
}

function useTenantTokens() {
  return useQuery({
    queryKey: ['admin', 'api-tokens'],
    queryFn: async () => unwrap(await latchkey().api.GET('/api/v1/admin/api-tokens')).items,
  });
}

function matches(text: string, ...values: (string | null | undefined)[]): boolean {
  const q = text.trim().toLowerCase();
  return q === '' || values.some((v) => v?.toLowerCase().includes(q) === true);
}

export function UsersTable({ users }: { users: TenantUser[] }) {
  const { t, number, relative } = useI18n();
  return (
    <Table.ScrollContainer minWidth={700}>
      <Table striped aria-label={t('admin.users.title')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.users.col.user')}</Table.Th>
            <Table.Th>{t('admin.users.col.role')}</Table.Th>
            <Table.Th>{t('admin.users.col.tokens')}</Table.Th>
            <Table.Th>{t('admin.users.col.connections')}</Table.Th>
            <Table.Th>{t('admin.users.col.lastSeen')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((u) => (
            <Table.Tr key={u.id} data-user={u.email ?? u.id}>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {u.name ?? u.email ?? u.id}
                </Text>
                <Text size="xs" c="dimmed">
                  {u.email}
                </Text>
              </Table.Td>
              <Table.Td>{u.role}</Table.Td>
              <Table.Td>
                {t('admin.users.tokenCounts', {
                  active: number(u.apiTokens.active),
                  total: number(u.apiTokens.total),
                })}
              </Table.Td>
              <Table.Td>{number(u.connections.total)}</Table.Td>
              <Table.Td>{relative(u.lastSeenAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ownerLabel(token: AdminApiToken): string {
  return token.owner.name ?? token.owner.email ?? token.owner.id;
}

/**
 * Admin users & tokens (SPEC §9): the tenant's people and every API token, one revoked at a time
 * or several at once behind a confirmation that says how many and whose.
 */
export function AdminUsersPage() {
  const { t, dateTime, relative } = useI18n();
  const queryClient = useQueryClient();
  const users = useTenantUsers();
  const tokens = useTenantTokens();
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const shownUsers = useMemo(
    () => (users.data ?? []).filter((u) => matches(filter, u.name, u.email)),
    [users.data, filter],
  );
  const shownTokens = useMemo(
    () =>
      (tokens.data ?? []).filter((tok) =>
        matches(filter, tok.name, tok.owner.name, tok.owner.email, tok.services.join(' ')),
      ),
    [tokens.data, filter],
  );
  const active = shownTokens.filter((tok) => tok.status === 'active');
  const chosen = active.filter((tok) => selected.has(tok.id));
  const owners = [...new Set(chosen.map(ownerLabel))].join(', ');

  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin'] });

  return (
    <Stack>
      <Title order={2}>{t('admin.users.title')}</Title>
      <TextInput
        label={t('admin.users.search')}
        value={filter}
        onChange={(e) => {
          setFilter(e.currentTarget.value);
        }}
        maw={360}
      />
      <ProblemAlert error={users.error ?? tokens.error} />
      {users.isSuccess && shownUsers.length === 0 ? (
        <EmptyState title={t('admin.users.empty')} hint={t('admin.users.emptyHint')} />
      ) : (
        <UsersTable users={shownUsers} />
      )}

      <Group justify="space-between" mt="lg">
        <Title order={3}>{t('admin.tokens.title')}</Title>
        <ConfirmButton
          label={t('admin.tokens.bulkRevoke', { n: chosen.length })}
          disabled={chosen.length === 0}
          title={t('admin.tokens.bulkRevoke.title')}
          message={t('admin.tokens.bulkRevoke.body', { n: chosen.length, owners })}
          confirmLabel={t('action.revoke')}
          onConfirm={async () => {
            await latchkey().api.POST('/api/v1/admin/revocations', {
              body: { ids: chosen.map((tok) => tok.id), reason: 'bulk revocation from the console' },
            });
            setSelected(new Set());
            await refresh();
          }}
        />
      </Group>
      {tokens.isSuccess && shownTokens.length === 0 ? (
        <EmptyState title={t('admin.tokens.empty')} hint={t('admin.tokens.emptyHint')} />
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table striped highlightOnHover aria-label={t('admin.tokens.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>
                  <Checkbox
                    aria-label={t('admin.tokens.selectAll')}
                    checked={active.length > 0 && chosen.length === active.length}
                    indeterminate={chosen.length > 0 && chosen.length < active.length}
                    onChange={(e) => {
                      setSelected(e.currentTarget.checked ? new Set(active.map((tok) => tok.id)) : new Set());
                    }}
                  />
                </Table.Th>
                <Table.Th>{t('admin.tokens.col.token')}</Table.Th>
                <Table.Th>{t('admin.tokens.col.owner')}</Table.Th>
                <Table.Th>{t('tokens.col.services')}</Table.Th>
                <Table.Th>{t('tokens.col.status')}</Table.Th>
                <Table.Th>{t('tokens.col.expires')}</Table.Th>
                <Table.Th>{t('tokens.col.lastUsed')}</Table.Th>
                <Table.Th>{t('tokens.col.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shownTokens.map((tok) => (
                <Table.Tr key={tok.id} data-token={tok.name}>
                  <Table.Td>
                    <Checkbox
                      aria-label={t('admin.tokens.select', { name: tok.name, owner: ownerLabel(tok) })}
                      disabled={tok.status !== 'active'}
                      checked={selected.has(tok.id)}
                      onChange={(e) => {
                        toggle(tok.id, e.currentTarget.checked);
                      }}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {tok.name}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {tok.hint}
                    </Text>
                  </Table.Td>
                  <Table.Td>{ownerLabel(tok)}</Table.Td>
                  <Table.Td>{tok.services.join(', ')}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={tok.status} />
                  </Table.Td>
                  <Table.Td title={dateTime(tok.expiresAt)}>{relative(tok.expiresAt)}</Table.Td>
                  <Table.Td>{relative(tok.lastUsedAt)}</Table.Td>
                  <Table.Td>
                    {tok.status === 'active' && (
                      <ConfirmButton
                        label={t('action.revoke')}
                        aria-label={t('tokens.revokeNamed', { name: tok.name })}
                        title={t('tokens.revoke.title')}
                        message={t('tokens.revoke.body', { name: tok.name })}
                        confirmLabel={t('action.revoke')}
                        onConfirm={async () => {
                          await latchkey().api.DELETE('/api/v1/admin/api-tokens/{id}', {
                            params: { path: { id: tok.id } },
                          });
                          await refresh();
                        }}
                      />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
