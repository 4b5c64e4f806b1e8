import { BarChart } from '@mantine/charts';
import { Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { unwrap } from '@latchkey/sdk';
import { latchkey } from '../api/client.js';
import { useApiTokens, useConnections } from '../api/queries.js';
import type { AuditEvent, Me } from '../api/types.js';
import { EmptyState } from '../components/empty-state.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { useI18n } from '../i18n/i18n.js';
import { connectService } from './create-token-dialog.js';
import { isExpiringSoon } from './tokens.js';

const DAYS = 14;
const DAY_MS = 86_400_000;

/** My events of the last two weeks: one page of the audit API (it answers at most 200). */
function useRecentActivity() {
  return useQuery({
    queryKey: ['audit', 'recent'],
    queryFn: async () => {
      const from = new Date(Date.now() - DAYS * DAY_MS).toISOString();
      return unwrap(await latchkey().api.GET('/api/v1/audit', { params: { query: { from, limit: 200 } } }))
        .items;
    },
  });
}

/** Events per day, oldest first, with empty days kept so the chart shows the gaps. */
export function eventsPerDay(events: readonly AuditEvent[], now: number, label: (d: Date) => string) {
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  const days = Array.from({ length: DAYS }, (_, i) => {
    const start = today.getTime() - (DAYS - 1 - i) * DAY_MS;
    return { start, day: label(new Date(start)), proxy: 0, other: 0 };
  });
  for (const e of events) {
    const at = new Date(e.occurredAt).getTime();
    const slot = days.findLast((d) => d.start <= at);
    if (slot === undefined) continue;
    if (e.action.startsWith('proxy.')) slot.proxy += 1;
    else slot.other += 1;
  }
  return days;
}

function Figure({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: string;
  hint?: string;
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

/** Dashboard (SPEC §9): what I have, what needs me, and what my tokens did lately. */
export function DashboardPage({ me }: { me: Me }) {
  const { t, number, locale } = useI18n();
  const connections = useConnections();
  const tokens = useApiTokens();
  const activity = useRecentActivity();

  const activeConnections = (connections.data ?? []).filter((c) => c.status === 'active');
  const needConsent = (connections.data ?? []).filter((c) => c.status === 'needs_consent');
  const activeTokens = (tokens.data ?? []).filter((tok) => tok.status === 'active');
  const expiring = activeTokens.filter((tok) => isExpiringSoon(tok.expiresAt));
  const dayLabel = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' });
  const perDay = eventsPerDay(activity.data ?? [], Date.now(), (d) => dayLabel.format(d));

  return (
    <Stack>
      <Title order={2}>{t('dashboard.welcome', { name: me.user.name ?? me.user.subject })}</Title>
      <ProblemAlert error={connections.error ?? tokens.error ?? activity.error} />
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
        <Figure
          testId="figure-connections"
          label={t('dashboard.connections')}
          value={number(activeConnections.length)}
        />
        <Figure
          testId="figure-consent"
          label={t('dashboard.needConsent')}
          value={number(needConsent.length)}
        />
        <Figure testId="figure-tokens" label={t('dashboard.tokens')} value={number(activeTokens.length)} />
        <Figure
          testId="figure-expiring"
          label={t('dashboard.expiring')}
          value={number(expiring.length)}
          hint={t('dashboard.expiringHint')}
        />
      </SimpleGrid>

      {needConsent.length > 0 && (
        <Card withBorder>
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

      <Card withBorder>
        <Title order={3} size="h4" mb="sm">
          {t('dashboard.activity', { days: DAYS })}
        </Title>
        {activity.isSuccess && activity.data.length === 0 ? (
          <EmptyState title={t('dashboard.activity.empty')} hint={t('dashboard.activity.emptyHint')} />
        ) : (
          <div role="img" aria-label={t('dashboard.activity.alt', { n: activity.data?.length ?? 0 })}>
            <BarChart
              h={240}
              data={perDay}
              dataKey="day"
              type="stacked"
              withLegend
              series={[
                { name: 'proxy', label: t('dashboard.activity.proxy'), color: 'indigo.6' },
                { name: 'other', label: t('dashboard.activity.other'), color: 'teal.6' },
              ]}
            />
          </div>
        )}
      </Card>
    </Stack>
  );
}
