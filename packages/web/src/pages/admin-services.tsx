import {
  Badge,
  Button,
  Group,
  NumberInput,
  Stack,
  Switch,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { unwrap } from '@latchkey/sdk';
import { latchkey } from '../api/client.js';
import { useServices } from '../api/queries.js';
import type { Service, ServiceSettings, TokenPolicy } from '../api/types.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { Section } from '../components/section.js';
import { useI18n } from '../i18n/i18n.js';
import { AdminWebhooks } from './admin-webhooks.js';

type Choice = Omit<ServiceSettings, 'service' | 'overridden'>;

function useServiceSettings(id: string) {
  return useQuery({
    queryKey: ['admin', 'service-settings', id],
    queryFn: async () =>
      unwrap(await latchkey().api.GET('/api/v1/admin/services/{id}/settings', { params: { path: { id } } })),
  });
}

/** One service's refresh settings as an editable row; saved on its own. */
function SettingsRow({ service }: { service: Service }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const current = useServiceSettings(service.id);
  const [draft, setDraft] = useState<Choice | undefined>(undefined);
  const saved = current.data;
  // Only the choice itself: the view's `service` and `overridden` are not part of a PUT.
  const shown: Choice | undefined =
    draft ??
    (saved === undefined
      ? undefined
      : {
          refreshEnabled: saved.refreshEnabled,
          beforeExpirySeconds: saved.beforeExpirySeconds,
          maxConcurrency: saved.maxConcurrency,
        });
  const save = useMutation({
    mutationFn: async (choice: Choice) =>
      unwrap(
        await latchkey().api.PUT('/api/v1/admin/services/{id}/settings', {
          params: { path: { id: service.id } },
          body: choice,
        }),
      ),
    onSuccess: (saved) => {
      client.setQueryData(['admin', 'service-settings', service.id], saved);
      setDraft(undefined);
    },
  });
  const edit = (patch: Partial<Choice>) => {
    if (shown !== undefined) setDraft({ ...shown, ...patch });
  };
  const number = (value: string | number): number | undefined =>
    typeof value === 'number' && Number.isInteger(value) ? value : undefined;

  return (
    <Table.Tr data-service={service.id}>
      <Table.Th scope="row">
        <Text fw={600}>{service.name}</Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {service.id}
        </Text>
      </Table.Th>
      {shown === undefined ? (
        <Table.Td colSpan={5}>
          <ProblemAlert error={current.error} />
        </Table.Td>
      ) : (
        <>
          <Table.Td>
            <Switch
              aria-label={t('admin.services.refreshEnabled.of', { service: service.name })}
              checked={shown.refreshEnabled}
              onChange={(e) => {
                edit({ refreshEnabled: e.currentTarget.checked });
              }}
            />
          </Table.Td>
          <Table.Td>
            <NumberInput
              aria-label={t('admin.services.beforeExpiry.of', { service: service.name })}
              min={0}
              max={86_400}
              step={60}
              w={120}
              value={shown.beforeExpirySeconds}
              onChange={(v) => {
                const n = number(v);
                if (n !== undefined) edit({ beforeExpirySeconds: n });
              }}
            />
          </Table.Td>
          <Table.Td>
            <NumberInput
              aria-label={t('admin.services.concurrency.of', { service: service.name })}
              min={1}
              max={64}
              w={90}
              value={shown.maxConcurrency}
              onChange={(v) => {
                const n = number(v);
                if (n !== undefined) edit({ maxConcurrency: n });
              }}
            />
          </Table.Td>
          <Table.Td>
            {current.data?.overridden === true ? (
              <Badge variant="light" styles={{ label: { color: 'var(--mantine-color-text)' } }}>
                {t('admin.services.custom')}
              </Badge>
            ) : (
              <Text size="sm" c="dimmed">
                {t('admin.services.defaults')}
              </Text>
            )}
          </Table.Td>
          <Table.Td>
            <Stack gap={4}>
              <Button
                size="xs"
                disabled={draft === undefined}
                loading={save.isPending}
                onClick={() => {
                  if (draft !== undefined) save.mutate(draft);
                }}
                aria-label={t('admin.services.save.of', { service: service.name })}
              >
                {t('action.save')}
              </Button>
              <ProblemAlert error={save.error} />
            </Stack>
          </Table.Td>
        </>
      )}
    </Table.Tr>
  );
}

function RefreshSettings() {
  const { t } = useI18n();
  const services = useServices();
  return (
    <Section
      id="refresh-settings"
      title={t('admin.services.refresh.title')}
      intro={t('admin.services.refresh.intro')}
    >
      <ProblemAlert error={services.error} />
      <Table.ScrollContainer minWidth={720}>
        <Table aria-label={t('admin.services.refresh.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.services.col.service')}</Table.Th>
              <Table.Th>{t('admin.services.col.refreshEnabled')}</Table.Th>
              <Table.Th>{t('admin.services.col.beforeExpiry')}</Table.Th>
              <Table.Th>{t('admin.services.col.concurrency')}</Table.Th>
              <Table.Th>{t('admin.services.col.origin')}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t('action.save')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {services.data?.map((s) => (
              <SettingsRow key={s.id} service={s} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Section>
  );
}

function TokenPolicyForm() {
  const { t } = useI18n();
  const client = useQueryClient();
  const policy = useQuery({
    queryKey: ['admin', 'token-policy'],
    queryFn: async () => unwrap(await latchkey().api.GET('/api/v1/admin/token-policy')),
  });
  const [draft, setDraft] = useState<number | '' | undefined>(undefined);
  const value = draft ?? policy.data?.maxLifetimeDays ?? '';
  const save = useMutation({
    mutationFn: async (body: TokenPolicy) =>
      unwrap(await latchkey().api.PUT('/api/v1/admin/token-policy', { body })),
    onSuccess: (saved) => {
      client.setQueryData(['admin', 'token-policy'], saved);
      setDraft(undefined);
    },
  });
  return (
    <Section id="token-policy" title={t('admin.policy.title')}>
      <Group align="flex-end">
        <NumberInput
          label={t('admin.policy.maxLifetime')}
          description={t('admin.policy.maxLifetime.hint')}
          min={1}
          max={365}
          w={260}
          value={value}
          onChange={(v) => {
            setDraft(typeof v === 'number' ? v : '');
          }}
        />
        <Button
          disabled={draft === undefined}
          loading={save.isPending}
          onClick={() => {
            save.mutate({ maxLifetimeDays: value === '' ? null : value });
          }}
        >
          {t('admin.policy.save')}
        </Button>
      </Group>
      <ProblemAlert error={policy.error ?? save.error} />
    </Section>
  );
}

/** Admin: services (SPEC §9): refresh settings per service, token policy, outgoing webhooks. */
export function AdminServicesPage() {
  const { t } = useI18n();
  return (
    <Stack>
      <Title order={2}>{t('admin.services.title')}</Title>
      <RefreshSettings />
      <TokenPolicyForm />
      <AdminWebhooks />
    </Stack>
  );
}
