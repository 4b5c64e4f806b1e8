import {
  Anchor,
  Button,
  Chip,
  Group,
  Select,
  Stack,
  Table,
  TagsInput,
  TextInput,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { unwrap } from '@latchkey/sdk';
import { latchkey } from '../api/client.js';
import { operatorKeys, usePartnerList, useTenantList } from '../api/operator.js';
import type { TenantStatus } from '../api/types.js';
import { EmptyState } from '../components/empty-state.js';
import { FormDialog } from '../components/form-dialog.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { StatusBadge } from '../components/status-badge.js';
import { useI18n } from '../i18n/i18n.js';

const STATUSES: readonly TenantStatus[] = ['active', 'pending', 'suspended', 'deleted'];

function CreateTenant({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const navigate = useNavigate();
  const partners = usePartnerList();
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [plan, setPlan] = useState('standard');
  const [domains, setDomains] = useState<string[]>([]);
  const [partnerId, setPartnerId] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await latchkey().api.POST('/api/v1/operator/tenants', {
          body: { slug: slug.trim(), name: name.trim(), plan: plan.trim(), domains, partnerId },
        }),
      ),
    onSuccess: async (tenant) => {
      await client.invalidateQueries({ queryKey: operatorKeys.tenants });
      onClose();
      void navigate(`/operator/tenants/${tenant.slug}`);
    },
  });
  return (
    <FormDialog
      opened={opened}
      onClose={onClose}
      title={t('operator.tenants.create.title')}
      submitLabel={t('action.create')}
      onSubmit={() => {
        create.mutate();
      }}
      busy={create.isPending}
      error={create.error}
    >
      <TextInput
        required
        data-autofocus
        label={t('operator.tenants.slug')}
        description={t('operator.tenants.slug.hint')}
        value={slug}
        onChange={(e) => {
          setSlug(e.currentTarget.value);
        }}
      />
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
        clearable
        data={(partners.data ?? [])
          .filter((p) => p.status === 'active')
          .map((p) => ({ value: p.id, label: p.name }))}
        value={partnerId}
        onChange={setPartnerId}
      />
    </FormDialog>
  );
}

/** Operator: tenants (SPEC §9): search, status chips with counts, create. */
export function OperatorTenantsPage() {
  const { t, number, dateTime } = useI18n();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<TenantStatus | undefined>(undefined);
  const [creating, { open, close }] = useDisclosure(false);
  const list = useTenantList(search.trim(), status);
  const partners = usePartnerList();
  const partnerName = (id: string | null) =>
    id === null ? '—' : (partners.data?.find((p) => p.id === id)?.name ?? id);
  const counts = list.data?.counts;
  const live =
    counts === undefined
      ? 0
      : STATUSES.filter((s) => s !== 'deleted').reduce((n, s) => n + (counts[s] ?? 0), 0);
  const items = list.data?.items ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('operator.tenants.title')}</Title>
        <Button onClick={open}>{t('operator.tenants.create')}</Button>
      </Group>
      <Group align="flex-end">
        <TextInput
          label={t('operator.tenants.search')}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
          }}
        />
      </Group>
      <Chip.Group
        multiple={false}
        value={status ?? 'all'}
        onChange={(v) => {
          setStatus(STATUSES.find((s) => s === v));
        }}
      >
        <Group gap="xs" role="group" aria-label={t('operator.tenants.filter')}>
          <Chip value="all" data-testid="chip-all">
            {t('operator.tenants.all', { n: number(live) })}
          </Chip>
          {STATUSES.map((s) => (
            <Chip key={s} value={s} data-testid={`chip-${s}`}>
              {t(`status.${s}`)} ({number(counts?.[s] ?? 0)})
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      <ProblemAlert error={list.error} />
      {list.isSuccess && items.length === 0 ? (
        <EmptyState title={t('operator.tenants.empty')} hint={t('operator.tenants.emptyHint')} />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover aria-label={t('operator.tenants.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('operator.tenants.name')}</Table.Th>
                <Table.Th>{t('operator.tenants.status')}</Table.Th>
                <Table.Th>{t('operator.tenants.plan')}</Table.Th>
                <Table.Th>{t('operator.tenants.partner')}</Table.Th>
                <Table.Th>{t('operator.tenants.domains')}</Table.Th>
                <Table.Th>{t('operator.tenants.created')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((tenant) => (
                <Table.Tr key={tenant.id} data-tenant={tenant.slug}>
                  <Table.Td>
                    <Anchor component={Link} to={`/operator/tenants/${tenant.slug}`} fw={600}>
                      {tenant.name}
                    </Anchor>
                    <div>
                      <small>{tenant.slug}</small>
                    </div>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={tenant.status} />
                  </Table.Td>
                  <Table.Td>{tenant.plan}</Table.Td>
                  <Table.Td>{partnerName(tenant.partnerId)}</Table.Td>
                  <Table.Td>{tenant.domains.join(', ') || '—'}</Table.Td>
                  <Table.Td>{dateTime(tenant.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateTenant opened={creating} onClose={close} />
    </Stack>
  );
}
