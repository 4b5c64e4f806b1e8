import { Button, Group, Modal, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { unwrap } from '@latchkey/sdk';
import { latchkey } from '../api/client.js';
import type { AuditEvent } from '../api/types.js';
import { EmptyState } from '../components/empty-state.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { StatusBadge } from '../components/status-badge.js';
import { useI18n } from '../i18n/i18n.js';

const PAGE = 50;
type Outcome = 'success' | 'failure' | 'denied';
const OUTCOMES: readonly Outcome[] = ['success', 'failure', 'denied'];

function useMyAudit(action: string, outcome: Outcome | undefined) {
  return useInfiniteQuery({
    queryKey: ['audit', 'mine', action, outcome],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await latchkey().api.GET('/api/v1/audit', {
          params: {
            query: {
              limit: PAGE,
              ...(action === '' ? {} : { action }),
              ...(outcome === undefined ? {} : { outcome }),
              ...(pageParam === undefined ? {} : { cursor: pageParam }),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** A metadata value as text people can read (nested values as compact JSON). */
function shown(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  // JSON.stringify answers undefined for functions and symbols, whatever its declared type says.
  const text = JSON.stringify(value) as unknown;
  return typeof text === 'string' ? text : '—';
}

function EventDetail({ event, onClose }: { event: AuditEvent | undefined; onClose: () => void }) {
  const { t, dateTime } = useI18n();
  const rows: [string, unknown][] =
    event === undefined
      ? []
      : [
          [t('audit.col.time'), dateTime(event.occurredAt)],
          [t('audit.col.action'), event.action],
          [t('audit.col.actor'), event.actor.label ?? event.actor.id ?? event.actor.type],
          [t('audit.detail.ip'), event.actor.ip],
          [t('audit.col.target'), event.target.label ?? event.target.id],
          [t('audit.detail.source'), event.source],
          ...Object.entries(event.metadata),
        ];
  return (
    <Modal
      opened={event !== undefined}
      onClose={onClose}
      title={t('audit.detail.title')}
      size="lg"
      centered
      closeButtonProps={{ 'aria-label': t('action.close') }}
    >
      <Table aria-label={t('audit.detail.title')} data-testid="audit-detail">
        <Table.Tbody>
          {rows.map(([key, value]) => (
            <Table.Tr key={key}>
              <Table.Th scope="row">{key}</Table.Th>
              <Table.Td style={{ wordBreak: 'break-all' }}>{shown(value)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}

/** Audit log (SPEC §9): what I and my API tokens did, newest first, filterable, page by page. */
export function AuditPage() {
  const { t, dateTime } = useI18n();
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [open, setOpen] = useState<AuditEvent | undefined>(undefined);
  const audit = useMyAudit(action.trim(), outcome);
  const events = audit.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack>
      <Title order={2}>{t('audit.title')}</Title>
      <Group align="flex-end">
        <TextInput
          label={t('audit.filter.action')}
          placeholder="api_token.created"
          value={action}
          onChange={(e) => {
            setAction(e.currentTarget.value);
          }}
        />
        <Select
          label={t('audit.filter.outcome')}
          clearable
          data={OUTCOMES.map((o) => ({ value: o, label: t(`status.${o}`) }))}
          value={outcome ?? null}
          onChange={(v) => {
            setOutcome(OUTCOMES.find((o) => o === v));
          }}
        />
      </Group>
      <ProblemAlert error={audit.error} />
      {audit.isSuccess && events.length === 0 ? (
        <EmptyState title={t('audit.empty')} hint={t('audit.emptyHint')} />
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table striped highlightOnHover aria-label={t('audit.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('audit.col.time')}</Table.Th>
                <Table.Th>{t('audit.col.actor')}</Table.Th>
                <Table.Th>{t('audit.col.action')}</Table.Th>
                <Table.Th>{t('audit.col.target')}</Table.Th>
                <Table.Th>{t('audit.col.outcome')}</Table.Th>
                <Table.Th>{t('audit.col.details')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {events.map((e) => (
                <Table.Tr key={e.id} data-action={e.action}>
                  <Table.Td>{dateTime(e.occurredAt)}</Table.Td>
                  <Table.Td>{e.actor.label ?? e.actor.type}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {e.action}
                    </Text>
                  </Table.Td>
                  <Table.Td>{e.target.label ?? e.target.id ?? '—'}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={e.outcome} />
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={t('audit.detail.open', { action: e.action })}
                      onClick={() => {
                        setOpen(e);
                      }}
                    >
                      {t('audit.detail.button')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {audit.hasNextPage && (
        <Button
          variant="default"
          loading={audit.isFetchingNextPage}
          onClick={() => void audit.fetchNextPage()}
        >
          {t('audit.more')}
        </Button>
      )}
      <EventDetail
        event={open}
        onClose={() => {
          setOpen(undefined);
        }}
      />
    </Stack>
  );
}
