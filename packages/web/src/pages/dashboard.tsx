import { BarChart } from '@mantine/charts';
import {
  Anchor,
  Button,
  Card,
  Group,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { unwrap } from '@latchkey/sdk';
import { latchkey } from '../api/client.js';
import { useConnections } from '../api/queries.js';
import type { Dashboard, Me } from '../api/types.js';
import { EmptyState } from '../components/empty-state.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { StatusBadge } from '../components/status-badge.js';
import { useI18n } from '../i18n/i18n.js';
import { isTenantAdmin } from '../layout/navigation.js';
import { connectService } from './create-token-dialog.js';
import { chartRows, proxySlots, refreshSlots, windowSlots, type ActivityWindow } from './dashboard-charts.js';

type View = Dashboard['view'];

// Series colours; the legend and the per-service table carry the names (never colour alone).
const PALETTE = ['indigo.6', 'teal.6', 'grape.6', 'orange.6', 'cyan.7', 'lime.8', 'pink.6', 'blue.7'];

function useDashboard(window: ActivityWindow, view: View) {
  return useQuery({
    queryKey: ['dashboard', window, view],
    queryFn: async () => await latchkey().dashboard({ window, view }),
    // Proxy counts arrive every few seconds: a glance at the page should be current.
    refetchInterval: 15_000,
  });
}

/** My latest events (one short page of the audit API). */
function useRecentActivity() {
  return useQuery({
    queryKey: ['audit', 'recent'],
    queryFn: async () =>
      unwrap(await latchkey().api.GET('/api/v1/audit', { params: { query: { limit: 8 } } })).items,
  });
}

function Figure({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: string;
  hint?: string | undefined;
  testId: string;
}) {
  return (
    <Card withBorder padding="md" data-testid={testId}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={`${testId}-value`}>
        {value}
      </Text>
      {hint !== undefined && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Card>
  );
}

/** Dashboard (SPEC §9): what I (or my tenant) have, what needs attention, and what happened lately. */
export function DashboardPage({ me }: { me: Me }) {
  const { t, number, locale, dateTime } = useI18n();
  const [window, setWindow] = useState<ActivityWindow>('24h');
  const [view, setView] = useState<View>('own');
  const admin = isTenantAdmin(me);
  const summary = useDashboard(window, admin ? view : 'own');
  const connections = useConnections();
  const recent = useRecentActivity();

  const d = summary.data;
  const needConsent = (connections.data ?? []).filter((c) => c.status === 'needs_consent');
  const slotLabel = new Intl.DateTimeFormat(
    locale,
    window === '24h' ? { hour: 'numeric' } : { weekday: 'short', day: 'numeric' },
  );
  const label = (date: Date) => slotLabel.format(date);
  const now = Date.now();
  const services = d?.proxy.services ?? [];
  const callRows =
    d === undefined
      ? []
      : chartRows(
          proxySlots(d, windowSlots(window, d.from, now, label)),
          services.map((s) => `svc_${s.service}`),
        );
  const refreshRows =
    d === undefined
      ? []
      : chartRows(refreshSlots(d, windowSlots(window, d.from, now, label)), ['succeeded', 'failed']);
  const windowName = t(window === '24h' ? 'dashboard.window.24h' : 'dashboard.window.7d');

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t('dashboard.welcome', { name: me.user.name ?? me.user.subject })}</Title>
        <Group gap="sm">
          {admin && (
            <SegmentedControl
              aria-label={t('dashboard.view')}
              value={view}
              onChange={(v) => {
                setView(v === 'tenant' ? 'tenant' : 'own');
              }}
              data={[
                { value: 'own', label: t('dashboard.view.own') },
                { value: 'tenant', label: t('dashboard.view.tenant') },
              ]}
            />
          )}
          <SegmentedControl
            aria-label={t('dashboard.window')}
            value={window}
            onChange={(v) => {
              setWindow(v === '7d' ? '7d' : '24h');
            }}
            data={[
              { value: '24h', label: t('dashboard.window.24h') },
              { value: '7d', label: t('dashboard.window.7d') },
            ]}
          />
        </Group>
      </Group>
      <ProblemAlert error={summary.error ?? connections.error ?? recent.error} />
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <Figure
          testId="figure-connections"
          label={t('dashboard.connections')}
          value={d === undefined ? '…' : number(d.counts.activeConnections)}
          hint={
            d !== undefined && d.counts.needsConsent > 0
              ? t('dashboard.needConsentHint', { n: d.counts.needsConsent })
              : undefined
          }
        />
        <Figure
          testId="figure-tokens"
          label={t('dashboard.tokens')}
          value={d === undefined ? '…' : number(d.counts.activeTokens)}
        />
        <Figure
          testId="figure-expiring"
          label={t('dashboard.expiring')}
          value={d === undefined ? '…' : number(d.counts.expiringSoon)}
          hint={t('dashboard.expiringHint')}
        />
        <Figure
          testId="figure-refresh-failures"
          label={t('dashboard.refreshFailures')}
          value={d === undefined ? '…' : number(d.counts.refreshFailures)}
          hint={windowName}
        />
      </SimpleGrid>

      {needConsent.length > 0 && (
        <Card withBorder data-testid="need-consent">
          <Title order={3} size="h4" mb="sm">
            {t('dashboard.needConsent')}
          </Title>
          <Stack gap="xs">
            {needConsent.map((c) => (
              <Group key={c.id} justify="space-between">
                <Text size="sm">{c.serviceName}</Text>
                <Button size="xs" onClick={() => void connectService(c.service)}>
                  {t('action.reconnect')}
                </Button>
              </Group>
            ))}
          </Stack>
        </Card>
      )}

      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder data-testid="proxy-chart">
          <Title order={3} size="h4" mb="sm">
            {t('dashboard.calls', { window: windowName })}
          </Title>
          {d !== undefined && d.proxy.calls === 0 ? (
            <EmptyState title={t('dashboard.calls.empty')} hint={t('dashboard.calls.emptyHint')} />
          ) : (
            <Stack>
              <div
                role="img"
                aria-label={t('dashboard.calls.alt', { n: d?.proxy.calls ?? 0, window: windowName })}
              >
                <BarChart
                  h={220}
                  data={callRows}
                  dataKey="slot"
                  type="stacked"
                  yAxisProps={{ allowDecimals: false }}
                  withLegend
                  series={services.map((s, i) => ({
                    name: `svc_${s.service}`,
                    label: s.name,
                    color: PALETTE[i % PALETTE.length] ?? 'gray.6',
                  }))}
                />
              </div>
              <Table aria-label={t('dashboard.calls.table')} striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('dashboard.calls.service')}</Table.Th>
                    <Table.Th ta="right">{t('dashboard.calls.count')}</Table.Th>
                    <Table.Th ta="right">{t('dashboard.calls.failed')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {services.map((s) => (
                    <Table.Tr key={s.service} data-usage={s.service}>
                      <Table.Td>{s.name}</Table.Td>
                      <Table.Td ta="right" data-col="calls">
                        {number(s.calls)}
                      </Table.Td>
                      <Table.Td ta="right" data-col="failed">
                        {number(s.failed)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Stack>
          )}
        </Card>

        <Card withBorder data-testid="refresh-chart">
          <Title order={3} size="h4" mb="sm">
            {t('dashboard.refreshes', { window: windowName })}
          </Title>
          {d !== undefined && d.refreshes.succeeded + d.refreshes.failed === 0 ? (
            <EmptyState title={t('dashboard.refreshes.empty')} hint={t('dashboard.refreshes.emptyHint')} />
          ) : (
            <div
              role="img"
              aria-label={t('dashboard.refreshes.alt', {
                ok: d?.refreshes.succeeded ?? 0,
                failed: d?.refreshes.failed ?? 0,
                window: windowName,
              })}
            >
              <BarChart
                h={220}
                data={refreshRows}
                dataKey="slot"
                type="stacked"
                yAxisProps={{ allowDecimals: false }}
                withLegend
                series={[
                  { name: 'succeeded', label: t('dashboard.refreshes.succeeded'), color: 'teal.6' },
                  { name: 'failed', label: t('dashboard.refreshes.failed'), color: 'red.7' },
                ]}
              />
            </div>
          )}
        </Card>
      </SimpleGrid>

      <Card withBorder data-testid="recent-activity">
        <Group justify="space-between" mb="sm">
          <Title order={3} size="h4">
            {t('dashboard.recent')}
          </Title>
          <Anchor component={Link} to="/audit" size="sm">
            {t('dashboard.recent.all')}
          </Anchor>
        </Group>
        {recent.isSuccess && recent.data.length === 0 ? (
          <EmptyState title={t('dashboard.activity.empty')} hint={t('dashboard.activity.emptyHint')} />
        ) : (
          <Table aria-label={t('dashboard.recent')}>
            <Table.Tbody>
              {(recent.data ?? []).map((e) => (
                <Table.Tr key={e.id} data-action={e.action}>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      {dateTime(e.occurredAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {e.action}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{e.target.label ?? e.target.id ?? '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={e.outcome} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </Stack>
  );
}
