import { Button, Group, Modal, NumberInput, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { unwrap } from '@latchkey/sdk';
import { latchkey } from '../api/client.js';
import type { AuditWebhook } from '../api/types.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { EmptyState } from '../components/empty-state.js';
import { OneTimeSecret } from '../components/one-time-secret.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { Section } from '../components/section.js';
import { StatusBadge } from '../components/status-badge.js';
import { useI18n } from '../i18n/i18n.js';

const KEY = ['admin', 'webhooks'];

/** A signing secret, shown once with a copy button. */
function SecretOnce({ secret, onDone }: { secret: string | undefined; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <Modal
      opened={secret !== undefined}
      onClose={onDone}
      title={t('admin.webhooks.secret.title')}
      centered
      closeButtonProps={{ 'aria-label': t('action.close') }}
    >
      <Stack>
        <OneTimeSecret
          value={secret ?? ''}
          warning={t('admin.webhooks.secret.once')}
          copyLabel={t('action.copy')}
          testId="webhook-secret"
        />
        <Group justify="flex-end">
          <Button onClick={onDone} data-autofocus>
            {t('action.done')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function Deliveries({ webhook, onClose }: { webhook: AuditWebhook | undefined; onClose: () => void }) {
  const { t, dateTime } = useI18n();
  const log = useQuery({
    queryKey: [...KEY, webhook?.id, 'deliveries'],
    enabled: webhook !== undefined,
    queryFn: async () =>
      unwrap(
        await latchkey().api.GET('/api/v1/admin/audit/webhooks/{id}/deliveries', {
          params: { path: { id: webhook?.id ?? '' } },
        }),
      ),
  });
  const items = log.data?.items ?? [];
  return (
    <Modal
      opened={webhook !== undefined}
      onClose={onClose}
      title={t('admin.webhooks.deliveries.title', { url: webhook?.url ?? '' })}
      size="xl"
      centered
      closeButtonProps={{ 'aria-label': t('action.close') }}
    >
      <ProblemAlert error={log.error} />
      {log.isSuccess && items.length === 0 ? (
        <EmptyState title={t('admin.webhooks.deliveries.empty')} />
      ) : (
        <Table aria-label={t('admin.webhooks.deliveries.title', { url: webhook?.url ?? '' })}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.webhooks.col.event')}</Table.Th>
              <Table.Th>{t('admin.webhooks.col.status')}</Table.Th>
              <Table.Th>{t('admin.webhooks.col.attempts')}</Table.Th>
              <Table.Th>{t('admin.webhooks.col.answer')}</Table.Th>
              <Table.Th>{t('admin.webhooks.col.when')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td ff="monospace">{d.eventId}</Table.Td>
                <Table.Td>
                  <StatusBadge status={d.status === 'delivered' ? 'ok' : d.status} />
                </Table.Td>
                <Table.Td>{d.attempts}</Table.Td>
                <Table.Td>{d.lastError ?? d.lastStatusCode ?? '—'}</Table.Td>
                <Table.Td>{dateTime(d.deliveredAt ?? d.nextAttemptAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Modal>
  );
}

function WebhookRow({ webhook, onSecret }: { webhook: AuditWebhook; onSecret: (s: string) => void }) {
  const { t, dateTime } = useI18n();
  const client = useQueryClient();
  const [overlap, setOverlap] = useState<number>(24);
  const [showLog, setShowLog] = useState(false);
  const test = useMutation({
    mutationFn: async () =>
      unwrap(
        await latchkey().api.POST('/api/v1/admin/audit/webhooks/{id}/test', {
          params: { path: { id: webhook.id } },
        }),
      ),
  });
  const id = { params: { path: { id: webhook.id } } };
  return (
    <Table.Tr data-webhook={webhook.url}>
      <Table.Th scope="row" style={{ wordBreak: 'break-all' }}>
        {webhook.url}
      </Table.Th>
      <Table.Td>
        {webhook.actions.length === 0 ? t('admin.webhooks.allEvents') : webhook.actions.join(', ')}
      </Table.Td>
      <Table.Td>
        {webhook.previousSecretExpiresAt === null
          ? dateTime(webhook.createdAt)
          : t('admin.webhooks.overlapUntil', { at: dateTime(webhook.previousSecretExpiresAt) })}
      </Table.Td>
      <Table.Td>
        <Stack gap="xs">
          <Group gap="xs">
            <Button
              size="xs"
              variant="default"
              loading={test.isPending}
              onClick={() => {
                test.mutate();
              }}
            >
              {t('admin.webhooks.sendTest')}
            </Button>
            <Button
              size="xs"
              variant="default"
              onClick={() => {
                setShowLog(true);
              }}
            >
              {t('admin.webhooks.deliveries')}
            </Button>
            <ConfirmButton
              label={t('admin.webhooks.rotate')}
              title={t('admin.webhooks.rotate.title')}
              message={
                <Stack gap="xs">
                  <span>{t('admin.webhooks.rotate.body')}</span>
                  <NumberInput
                    label={t('admin.webhooks.rotate.overlap')}
                    min={0}
                    max={168}
                    value={overlap}
                    onChange={(v) => {
                      setOverlap(typeof v === 'number' ? v : 0);
                    }}
                  />
                </Stack>
              }
              confirmLabel={t('admin.webhooks.rotate')}
              onConfirm={async () => {
                const rotated = unwrap(
                  await latchkey().api.POST('/api/v1/admin/audit/webhooks/{id}/rotate-secret', {
                    ...id,
                    body: { overlapSeconds: Math.round(overlap * 3600) },
                  }),
                );
                await client.invalidateQueries({ queryKey: KEY });
                onSecret(rotated.secret);
              }}
            />
            <ConfirmButton
              label={t('admin.webhooks.delete')}
              title={t('admin.webhooks.delete.title')}
              message={t('admin.webhooks.delete.body', { url: webhook.url })}
              confirmLabel={t('admin.webhooks.delete')}
              onConfirm={async () => {
                unwrap(await latchkey().api.DELETE('/api/v1/admin/audit/webhooks/{id}', id));
                await client.invalidateQueries({ queryKey: KEY });
              }}
            />
          </Group>
          {test.data !== undefined && (
            <Text size="sm" role="status" data-testid="webhook-test-result">
              {test.data.delivered
                ? t('admin.webhooks.test.ok', { status: test.data.statusCode ?? 0, ms: test.data.durationMs })
                : t('admin.webhooks.test.failed', {
                    reason: test.data.error ?? String(test.data.statusCode ?? ''),
                  })}
            </Text>
          )}
          <ProblemAlert error={test.error} />
        </Stack>
        <Deliveries
          webhook={showLog ? webhook : undefined}
          onClose={() => {
            setShowLog(false);
          }}
        />
      </Table.Td>
    </Table.Tr>
  );
}

/** Outgoing webhooks of the tenant (SPEC §8): subscribe, send a test, rotate the secret, delete. */
export function AdminWebhooks() {
  const { t } = useI18n();
  const client = useQueryClient();
  const [url, setUrl] = useState('');
  const [actions, setActions] = useState('');
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const list = useQuery({
    queryKey: KEY,
    queryFn: async () => unwrap(await latchkey().api.GET('/api/v1/admin/audit/webhooks')),
  });
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await latchkey().api.POST('/api/v1/admin/audit/webhooks', {
          body: {
            url: url.trim(),
            actions: actions
              .split(',')
              .map((a) => a.trim())
              .filter((a) => a !== ''),
          },
        }),
      ),
    onSuccess: async (created) => {
      setUrl('');
      setActions('');
      setSecret(created.secret);
      await client.invalidateQueries({ queryKey: KEY });
    },
  });
  const items = list.data?.items ?? [];
  return (
    <Section id="webhooks" title={t('admin.webhooks.title')} intro={t('admin.webhooks.intro')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Group align="flex-end">
          <TextInput
            required
            type="url"
            label={t('admin.webhooks.url')}
            placeholder="https://siem.example.com/latchkey"
            w={360}
            value={url}
            onChange={(e) => {
              setUrl(e.currentTarget.value);
            }}
          />
          <TextInput
            label={t('admin.webhooks.actions')}
            description={t('admin.webhooks.actions.hint')}
            placeholder="api_token., tenant."
            w={260}
            value={actions}
            onChange={(e) => {
              setActions(e.currentTarget.value);
            }}
          />
          <Button type="submit" loading={create.isPending}>
            {t('admin.webhooks.add')}
          </Button>
        </Group>
      </form>
      <ProblemAlert error={list.error ?? create.error} />
      {list.isSuccess && items.length === 0 ? (
        <EmptyState title={t('admin.webhooks.empty')} hint={t('admin.webhooks.emptyHint')} />
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table aria-label={t('admin.webhooks.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.webhooks.url')}</Table.Th>
                <Table.Th>{t('admin.webhooks.actions')}</Table.Th>
                <Table.Th>{t('admin.webhooks.col.since')}</Table.Th>
                <Table.Th>{t('admin.webhooks.col.manage')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((w) => (
                <WebhookRow key={w.id} webhook={w} onSecret={setSecret} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {/* A modal: it renders in a portal, not in the section's flow. */}
      <SecretOnce
        secret={secret}
        onDone={() => {
          setSecret(undefined);
        }}
      />
    </Section>
  );
}
