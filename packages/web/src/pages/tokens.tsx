import { Alert, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { latchkey } from '../api/client.js';
import { useApiTokens, useConnections, useServices } from '../api/queries.js';
import type { ApiToken, Connection } from '../api/types.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { EmptyState } from '../components/empty-state.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { StatusBadge } from '../components/status-badge.js';
import { useI18n } from '../i18n/i18n.js';
import { connectService, CreateTokenDialog } from './create-token-dialog.js';

/** Seven days: "expiring soon" on the dashboard and in the list (SPEC §9). */
export const EXPIRING_SOON_MS = 7 * 86_400_000;

export function isExpiringSoon(expiresAt: string | null): boolean {
  if (expiresAt === null) return false;
  const left = new Date(expiresAt).getTime() - Date.now();
  return left > 0 && left < EXPIRING_SOON_MS;
}

function ConnectionRow({ connection }: { connection: Connection }) {
  const { t, dateTime, relative } = useI18n();
  const queryClient = useQueryClient();
  const refresh = useMutation({
    mutationFn: () => latchkey().connections.refresh(connection.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['connections'] }),
  });
  const reconnect = useMutation({ mutationFn: () => connectService(connection.service) });
  return (
    <Table.Tr data-kind="connection" data-service={connection.service}>
      <Table.Td>
        <Badge variant="outline">{t('tokens.type.connection')}</Badge>
      </Table.Td>
      <Table.Td>{connection.serviceName}</Table.Td>
      <Table.Td>{connection.service}</Table.Td>
      <Table.Td>{connection.scopes.join(' ')}</Table.Td>
      <Table.Td>
        <StatusBadge status={connection.status} />
      </Table.Td>
      <Table.Td title={dateTime(connection.expiresAt)}>{relative(connection.expiresAt)}</Table.Td>
      <Table.Td>{relative(connection.lastRefreshedAt)}</Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          {connection.status === 'needs_consent' || connection.status === 'revoked' ? (
            <Button
              size="xs"
              onClick={() => {
                reconnect.mutate();
              }}
              loading={reconnect.isPending}
            >
              {t('action.reconnect')}
            </Button>
          ) : (
            <Button
              size="xs"
              variant="light"
              disabled={!connection.refreshable}
              onClick={() => {
                refresh.mutate();
              }}
              loading={refresh.isPending}
              aria-label={t('tokens.refreshNamed', { name: connection.serviceName })}
            >
              {t('action.refresh')}
            </Button>
          )}
          <ConfirmButton
            label={t('action.disconnect')}
            aria-label={t('tokens.disconnectNamed', { name: connection.serviceName })}
            title={t('tokens.disconnect.title')}
            message={t('tokens.disconnect.body', { name: connection.serviceName })}
            confirmLabel={t('action.disconnect')}
            onConfirm={async () => {
              await latchkey().connections.revoke(connection.id);
              await queryClient.invalidateQueries({ queryKey: ['connections'] });
            }}
          />
        </Group>
        <ProblemAlert error={refresh.error ?? reconnect.error} />
      </Table.Td>
    </Table.Tr>
  );
}

function ApiTokenRow({ token }: { token: ApiToken }) {
  const { t, dateTime, relative } = useI18n();
  const queryClient = useQueryClient();
  const status = token.status === 'active' && isExpiringSoon(token.expiresAt) ? 'expiring' : token.status;
  return (
    <Table.Tr data-kind="api-token" data-token={token.name}>
      <Table.Td>
        <Badge variant="outline" color="grape">
          {t('tokens.type.apiToken')}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm" fw={600}>
          {token.name}
        </Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {token.hint}
        </Text>
      </Table.Td>
      <Table.Td>{token.services.join(', ')}</Table.Td>
      <Table.Td>{token.permissions.join(', ')}</Table.Td>
      <Table.Td>
        <StatusBadge status={status} />
      </Table.Td>
      <Table.Td title={dateTime(token.expiresAt)}>{relative(token.expiresAt)}</Table.Td>
      <Table.Td>{relative(token.lastUsedAt)}</Table.Td>
      <Table.Td>
        {token.status === 'active' && (
          <ConfirmButton
            label={t('action.revoke')}
            aria-label={t('tokens.revokeNamed', { name: token.name })}
            title={t('tokens.revoke.title')}
            message={t('tokens.revoke.body', { name: token.name })}
            confirmLabel={t('action.revoke')}
            onConfirm={async () => {
              await latchkey().tokens.revoke(token.id);
              await queryClient.invalidateQueries({ queryKey: ['api-tokens'] });
            }}
          />
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** My tokens (SPEC §9): connections and API tokens in one list. */
export function TokensPage() {
  const { t } = useI18n();
  const [search] = useSearchParams();
  const [opened, { open, close }] = useDisclosure(false);
  const services = useServices();
  const connections = useConnections();
  const tokens = useApiTokens();
  const connected = search.get('connected');
  const consentError = search.get('error');
  const rows = [...(connections.data ?? [])].length + [...(tokens.data ?? [])].length;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('tokens.title')}</Title>
        <Button onClick={open}>{t('tokens.create')}</Button>
      </Group>
      {connected !== null && (
        <Alert color="green" role="status">
          {t('tokens.connected', { service: connected })}
        </Alert>
      )}
      {consentError !== null && (
        <Alert color="red" role="alert">
          {t('tokens.consentFailed')}
        </Alert>
      )}
      <ProblemAlert error={connections.error ?? tokens.error ?? services.error} />
      {connections.isSuccess && tokens.isSuccess && rows === 0 ? (
        <EmptyState
          title={t('tokens.empty.title')}
          hint={t('tokens.empty.hint')}
          action={<Button onClick={open}>{t('tokens.create')}</Button>}
        />
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table striped highlightOnHover aria-label={t('tokens.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('tokens.col.type')}</Table.Th>
                <Table.Th>{t('tokens.col.name')}</Table.Th>
                <Table.Th>{t('tokens.col.services')}</Table.Th>
                <Table.Th>{t('tokens.col.permissions')}</Table.Th>
                <Table.Th>{t('tokens.col.status')}</Table.Th>
                <Table.Th>{t('tokens.col.expires')}</Table.Th>
                <Table.Th>{t('tokens.col.lastUsed')}</Table.Th>
                <Table.Th>{t('tokens.col.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {connections.data?.map((c) => (
                <ConnectionRow key={c.id} connection={c} />
              ))}
              {tokens.data?.map((tok) => (
                <ApiTokenRow key={tok.id} token={tok} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateTokenDialog opened={opened} onClose={close} services={services.data ?? []} />
    </Stack>
  );
}
