import {
  Anchor,
  Button,
  Group,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { unwrap } from '@latchkey/sdk';
import { latchkey } from '../api/client.js';
import { operatorKeys, usePartnerList, useTenantList } from '../api/operator.js';
import type { Partner } from '../api/types.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { EmptyState } from '../components/empty-state.js';
import { FormDialog } from '../components/form-dialog.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { StatusBadge } from '../components/status-badge.js';
import { useI18n } from '../i18n/i18n.js';

function CreatePartner({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [domain, setDomain] = useState('');
  const [margin, setMargin] = useState<number>(0);
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await latchkey().api.POST('/api/v1/operator/partners', {
          body: {
            slug: slug.trim(),
            name: name.trim(),
            domain: domain.trim() === '' ? null : domain.trim(),
            marginPct: margin,
          },
        }),
      ),
    onSuccess: async (partner) => {
      await client.invalidateQueries({ queryKey: operatorKeys.partners });
      onClose();
      void navigate(`/operator/partners/${partner.slug}`);
    },
  });
  return (
    <FormDialog
      opened={opened}
      onClose={onClose}
      title={t('operator.partners.create.title')}
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
        label={t('operator.partners.domain')}
        value={domain}
        onChange={(e) => {
          setDomain(e.currentTarget.value);
        }}
      />
      <NumberInput
        label={t('operator.partners.margin')}
        min={0}
        max={100}
        decimalScale={2}
        value={margin}
        onChange={(v) => {
          setMargin(typeof v === 'number' ? v : 0);
        }}
      />
    </FormDialog>
  );
}

/** Operator: partners (SPEC §9): list with customer counts, search, create. */
export function OperatorPartnersPage() {
  const { t, number } = useI18n();
  const [search, setSearch] = useState('');
  const [creating, { open, close }] = useDisclosure(false);
  const partners = usePartnerList(search.trim());
  const items = partners.data ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('operator.partners.title')}</Title>
        <Button onClick={open}>{t('operator.partners.create')}</Button>
      </Group>
      <TextInput
        label={t('operator.partners.search')}
        maw={320}
        value={search}
        onChange={(e) => {
          setSearch(e.currentTarget.value);
        }}
      />
      <ProblemAlert error={partners.error} />
      {partners.isSuccess && items.length === 0 ? (
        <EmptyState title={t('operator.partners.empty')} hint={t('operator.partners.emptyHint')} />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover aria-label={t('operator.partners.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('operator.tenants.name')}</Table.Th>
                <Table.Th>{t('operator.tenants.status')}</Table.Th>
                <Table.Th>{t('operator.partners.domain')}</Table.Th>
                <Table.Th>{t('operator.partners.margin')}</Table.Th>
                <Table.Th>{t('operator.partners.customers')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((p) => (
                <Table.Tr key={p.id} data-partner={p.slug}>
                  <Table.Td>
                    <Anchor component={Link} to={`/operator/partners/${p.slug}`} fw={600}>
                      {p.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={p.status} />
                  </Table.Td>
                  <Table.Td>{p.domain ?? '—'}</Table.Td>
                  <Table.Td>{number(p.marginPct)} %</Table.Td>
                  <Table.Td data-testid="customers">{number(p.customers)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreatePartner opened={creating} onClose={close} />
    </Stack>
  );
}

/** Attaching and detaching are tenant changes (`partnerId`), made from the partner's page. */
function useAttach(partner: Partner) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ slug, attach }: { slug: string; attach: boolean }) =>
      unwrap(
        await latchkey().api.PATCH('/api/v1/operator/tenants/{slug}', {
          params: { path: { slug } },
          body: { partnerId: attach ? partner.id : null },
        }),
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: operatorKeys.partners });
      await client.invalidateQueries({ queryKey: operatorKeys.tenants });
    },
  });
}

function PartnerTenants({
  partner,
  tenants,
}: {
  partner: Partner;
  tenants: { slug: string; name: string; status: string }[];
}) {
  const { t } = useI18n();
  const attach = useAttach(partner);
  const all = useTenantList('', undefined);
  const [chosen, setChosen] = useState<string | null>(null);
  const free = (all.data?.items ?? []).filter((x) => x.partnerId === null);
  return (
    <Stack>
      <Title order={3}>{t('operator.partners.tenants')}</Title>
      {partner.status === 'active' && (
        <Group align="flex-end">
          <Select
            label={t('operator.partners.attach.choose')}
            searchable
            w={280}
            data={free.map((x) => ({ value: x.slug, label: `${x.name} (${x.slug})` }))}
            value={chosen}
            onChange={setChosen}
            nothingFoundMessage={t('operator.partners.attach.none')}
          />
          <Button
            disabled={chosen === null}
            loading={attach.isPending}
            onClick={() => {
              if (chosen !== null)
                attach.mutate(
                  { slug: chosen, attach: true },
                  {
                    onSuccess: () => {
                      setChosen(null);
                    },
                  },
                );
            }}
          >
            {t('operator.partners.attach')}
          </Button>
        </Group>
      )}
      <ProblemAlert error={attach.error} />
      {tenants.length === 0 ? (
        <EmptyState title={t('operator.partners.noTenants')} />
      ) : (
        <Table aria-label={t('operator.partners.tenants')}>
          <Table.Tbody>
            {tenants.map((x) => (
              <Table.Tr key={x.slug} data-tenant={x.slug}>
                <Table.Td>
                  <Anchor component={Link} to={`/operator/tenants/${x.slug}`}>
                    {x.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={x.status} />
                </Table.Td>
                <Table.Td>
                  <ConfirmButton
                    label={t('operator.partners.detach')}
                    aria-label={t('operator.partners.detach.of', { tenant: x.name })}
                    title={t('operator.partners.detach.title', { tenant: x.name })}
                    message={t('operator.partners.detach.body', { tenant: x.name, partner: partner.name })}
                    confirmLabel={t('operator.partners.detach')}
                    onConfirm={() => attach.mutateAsync({ slug: x.slug, attach: false })}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** Operator: one partner (SPEC §9): details, its tenants (attach, detach), terminate. */
export function OperatorPartnerPage() {
  const { t, number, dateTime } = useI18n();
  const slug = useParams().slug ?? '';
  const client = useQueryClient();
  const partner = useQuery({
    queryKey: operatorKeys.partner(slug),
    queryFn: async () =>
      unwrap(await latchkey().api.GET('/api/v1/operator/partners/{slug}', { params: { path: { slug } } })),
  });
  const p = partner.data;
  return (
    <Stack>
      <Anchor component={Link} to="/operator/partners" size="sm">
        {t('operator.partners.back')}
      </Anchor>
      <ProblemAlert error={partner.error} />
      {p !== undefined && (
        <>
          <Group justify="space-between">
            <Group>
              <Title order={2}>{p.name}</Title>
              <StatusBadge status={p.status} />
            </Group>
            {p.status === 'active' && (
              <ConfirmButton
                label={t('operator.partners.terminate')}
                title={t('operator.partners.terminate.title', { partner: p.name })}
                message={t('operator.partners.terminate.body', { partner: p.name, n: number(p.customers) })}
                confirmLabel={t('operator.partners.terminate')}
                onConfirm={async () => {
                  unwrap(
                    await latchkey().api.POST('/api/v1/operator/partners/{slug}/terminate', {
                      params: { path: { slug } },
                    }),
                  );
                  await client.invalidateQueries({ queryKey: operatorKeys.partners });
                }}
              />
            )}
          </Group>
          <Table aria-label={p.name} maw={560}>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th scope="row">{t('operator.tenants.slug')}</Table.Th>
                <Table.Td>{p.slug}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">{t('operator.partners.domain')}</Table.Th>
                <Table.Td>{p.domain ?? '—'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">{t('operator.partners.margin')}</Table.Th>
                <Table.Td>{number(p.marginPct)} %</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">{t('operator.partners.customers')}</Table.Th>
                <Table.Td data-testid="customers">{number(p.customers)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">{t('operator.tenants.created')}</Table.Th>
                <Table.Td>{dateTime(p.createdAt)}</Table.Td>
              </Table.Tr>
              {p.terminatedAt !== null && (
                <Table.Tr>
                  <Table.Th scope="row">{t('operator.partners.terminatedAt')}</Table.Th>
                  <Table.Td>{dateTime(p.terminatedAt)}</Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
          <Text size="sm" c="dimmed">
            {t('operator.partners.tenantsHint')}
          </Text>
          <PartnerTenants partner={p} tenants={p.tenants} />
        </>
      )}
    </Stack>
  );
}
