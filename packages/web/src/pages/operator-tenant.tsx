import {
  Anchor,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { unwrap } from '@latchkey/sdk';
import { latchkey } from '../api/client.js';
import { operatorKeys, usePartnerList } from '../api/operator.js';
import type { Tenant } from '../api/types.js';
import { AuditLog } from '../components/audit-log.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { EmptyState } from '../components/empty-state.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { StatusBadge } from '../components/status-badge.js';
import { useI18n } from '../i18n/i18n.js';
import { UsersTable } from './admin-users.js';

type TenantPatch = { name?: string; plan?: string; domains?: string[]; partnerId?: string | null };

function useTenantChange(slug: string) {
  const client = useQueryClient();
  return async (tenant: Tenant) => {
    client.setQueryData(operatorKeys.tenant(slug), tenant);
    // Lists, counts and partners' customer numbers all depend on it.
    await client.invalidateQueries({ queryKey: operatorKeys.tenants });
    await client.invalidateQueries({ queryKey: operatorKeys.partners });
  };
}

function Overview({ tenant }: { tenant: Tenant }) {
  const { t, dateTime } = useI18n();
  const partners = usePartnerList();
  const changed = useTenantChange(tenant.slug);
  const [name, setName] = useState(tenant.name);
  const [plan, setPlan] = useState(tenant.plan);
  const [domains, setDomains] = useState<string[]>(tenant.domains);
  const [partnerId, setPartnerId] = useState<string | null>(tenant.partnerId);
  const save = useMutation({
    mutationFn: async (body: TenantPatch) =>
      unwrap(
        await latchkey().api.PATCH('/api/v1/operator/tenants/{slug}', {
          params: { path: { slug: tenant.slug } },
          body,
        }),
      ),
    onSuccess: changed,
  });
  const partner = partners.data?.find((p) => p.id === tenant.partnerId);
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Paper withBorder p="md">
          <Text size="sm" c="dimmed">
            {t('operator.tenants.status')}
          </Text>
          <StatusBadge status={tenant.status} />
        </Paper>
        <Paper withBorder p="md">
          <Text size="sm" c="dimmed">
            {t('operator.tenants.partner')}
          </Text>
          {partner === undefined ? (
            <Text>—</Text>
          ) : (
            <Anchor component={Link} to={`/operator/partners/${partner.slug}`}>
              {partner.name}
            </Anchor>
          )}
        </Paper>
        <Paper withBorder p="md">
          <Text size="sm" c="dimmed">
            {t('operator.tenants.created')}
          </Text>
          <Text>{dateTime(tenant.createdAt)}</Text>
        </Paper>
      </SimpleGrid>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ name: name.trim(), plan: plan.trim(), domains, partnerId });
        }}
      >
        <Stack maw={520}>
          <TextInput label={t('operator.tenants.slug')} value={tenant.slug} readOnly disabled />
          <TextInput
            required
            label={t('operator.tenants.name')}
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
            }}
          />
          <TextInput
            required
            label={t('operator.tenants.plan')}
            value={plan}
            onChange={(e) => {
              setPlan(e.currentTarget.value);
            }}
          />
          <TagsInput
            label={t('operator.tenants.domains')}
            description={t('operator.tenants.domains.hint')}
            value={domains}
            onChange={setDomains}
          />
          <Select
            label={t('operator.tenants.partner')}
            description={t('operator.tenants.partner.hint')}
            clearable
            data={(partners.data ?? [])
              .filter((p) => p.status === 'active' || p.id === tenant.partnerId)
              .map((p) => ({ value: p.id, label: p.name }))}
            value={partnerId}
            onChange={setPartnerId}
          />
          <ProblemAlert error={save.error} />
          <Group>
            <Button type="submit" loading={save.isPending}>
              {t('action.save')}
            </Button>
            {save.isSuccess && (
              <Text size="sm" role="status">
                {t('operator.saved')}
              </Text>
            )}
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

function Users({ slug }: { slug: string }) {
  const { t } = useI18n();
  const users = useQuery({
    queryKey: [...operatorKeys.tenant(slug), 'users'],
    queryFn: async () =>
      unwrap(
        await latchkey().api.GET('/api/v1/operator/tenants/{slug}/users', { params: { path: { slug } } }),
      ).items,
  });
  if (users.error !== null) return <ProblemAlert error={users.error} />;
  if (users.data?.length === 0)
    return <EmptyState title={t('admin.users.empty')} hint={t('admin.users.emptyHint')} />;
  return <UsersTable users={users.data ?? []} />;
}

function Provisioning({ tenant }: { tenant: Tenant }) {
  const { t, dateTime } = useI18n();
  const changed = useTenantChange(tenant.slug);
  const reconcile = useMutation({
    mutationFn: async () =>
      unwrap(
        await latchkey().api.POST('/api/v1/operator/tenants/{slug}/reconcile', {
          params: { path: { slug: tenant.slug } },
        }),
      ),
    onSuccess: changed,
  });
  const steps = Object.values(tenant.provisioning.steps);
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t('operator.provisioning.intro')}
        </Text>
        <Button
          variant="default"
          loading={reconcile.isPending}
          onClick={() => {
            reconcile.mutate();
          }}
        >
          {t('operator.provisioning.reconcile')}
        </Button>
      </Group>
      <ProblemAlert error={reconcile.error} />
      {steps.length === 0 ? (
        <EmptyState title={t('operator.provisioning.empty')} />
      ) : (
        <Table aria-label={t('operator.tab.provisioning')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.services.col.service')}</Table.Th>
              <Table.Th>{t('operator.provisioning.step')}</Table.Th>
              <Table.Th>{t('operator.tenants.status')}</Table.Th>
              <Table.Th>{t('operator.provisioning.attempts')}</Table.Th>
              <Table.Th>{t('operator.provisioning.updated')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {steps.map((s) => (
              <Table.Tr key={`${s.service}/${s.step}`}>
                <Table.Td>{s.service}</Table.Td>
                <Table.Td>
                  <Text size="sm">{s.step}</Text>
                  {s.error !== null && (
                    <Text size="xs" c="red.8">
                      {s.error}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={s.state} />
                </Table.Td>
                <Table.Td>{s.attempts}</Table.Td>
                <Table.Td>{dateTime(s.updatedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function DangerZone({ tenant }: { tenant: Tenant }) {
  const { t } = useI18n();
  const changed = useTenantChange(tenant.slug);
  const path = { params: { path: { slug: tenant.slug } } };
  const api = latchkey().api;
  const values = { tenant: tenant.name };
  return (
    <Paper withBorder p="md" radius="md" style={{ borderColor: 'var(--mantine-color-red-6)' }}>
      <Stack>
        {tenant.status === 'suspended' ? (
          <Group justify="space-between">
            <Text>{t('operator.danger.resume.body')}</Text>
            <ConfirmButton
              key="resume"
              label={t('operator.danger.resume')}
              color="green"
              title={t('operator.danger.resume.title', values)}
              message={t('operator.danger.resume.confirm', values)}
              confirmLabel={t('operator.danger.resume')}
              onConfirm={async () => {
                await changed(unwrap(await api.POST('/api/v1/operator/tenants/{slug}/resume', path)));
              }}
            />
          </Group>
        ) : (
          <Group justify="space-between">
            <Text>{t('operator.danger.suspend.body')}</Text>
            <ConfirmButton
              key="suspend"
              label={t('operator.danger.suspend')}
              disabled={tenant.status === 'deleted'}
              title={t('operator.danger.suspend.title', values)}
              message={t('operator.danger.suspend.confirm', values)}
              confirmLabel={t('operator.danger.suspend')}
              onConfirm={async () => {
                await changed(unwrap(await api.POST('/api/v1/operator/tenants/{slug}/suspend', path)));
              }}
            />
          </Group>
        )}
        <Group justify="space-between">
          <Text>{t('operator.danger.delete.body')}</Text>
          <ConfirmButton
            label={t('operator.danger.delete')}
            disabled={tenant.status === 'deleted'}
            title={t('operator.danger.delete.title', values)}
            message={t('operator.danger.delete.confirm', values)}
            confirmLabel={t('operator.danger.delete')}
            onConfirm={async () => {
              await changed(unwrap(await api.DELETE('/api/v1/operator/tenants/{slug}', path)));
            }}
          />
        </Group>
      </Stack>
    </Paper>
  );
}

/** Operator: one tenant (SPEC §9), in tabs: Overview, Users, Provisioning, Audit, Danger zone. */
export function OperatorTenantPage() {
  const { t } = useI18n();
  const slug = useParams().slug ?? '';
  const tenant = useQuery({
    queryKey: operatorKeys.tenant(slug),
    queryFn: async () =>
      unwrap(await latchkey().api.GET('/api/v1/operator/tenants/{slug}', { params: { path: { slug } } })),
  });
  const [tab, setTab] = useState<string | null>('overview');
  return (
    <Stack>
      <Anchor component={Link} to="/operator/tenants" size="sm">
        {t('operator.tenants.back')}
      </Anchor>
      <ProblemAlert error={tenant.error} />
      {tenant.data !== undefined && (
        <>
          <Group>
            <Title order={2}>{tenant.data.name}</Title>
            <StatusBadge status={tenant.data.status} />
          </Group>
          <Tabs value={tab} onChange={setTab} keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="overview">{t('operator.tab.overview')}</Tabs.Tab>
              <Tabs.Tab value="users">{t('operator.tab.users')}</Tabs.Tab>
              <Tabs.Tab value="provisioning">{t('operator.tab.provisioning')}</Tabs.Tab>
              <Tabs.Tab value="audit">{t('operator.tab.audit')}</Tabs.Tab>
              <Tabs.Tab value="danger" color="red">
                {t('operator.tab.danger')}
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="overview" pt="md">
              <Overview key={tenant.data.updatedAt} tenant={tenant.data} />
            </Tabs.Panel>
            <Tabs.Panel value="users" pt="md">
              <Users slug={slug} />
            </Tabs.Panel>
            <Tabs.Panel value="provisioning" pt="md">
              <Provisioning tenant={tenant.data} />
            </Tabs.Panel>
            <Tabs.Panel value="audit" pt="md">
              <AuditLog
                view="all"
                tenant={tenant.data.id}
                moreFilters
                label={t('operator.tab.audit')}
                emptyHint={t('admin.audit.emptyHint')}
              />
            </Tabs.Panel>
            <Tabs.Panel value="danger" pt="md">
              <DangerZone tenant={tenant.data} />
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </Stack>
  );
}
