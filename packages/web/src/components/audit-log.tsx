import { Badge, Button, Group, Modal, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { unwrap, type AuditView } from '@latchkey/sdk';
import { latchkey } from '../api/client.js';
import type { AuditEvent, AuditEventPage, AuditFilters } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { EmptyState } from './empty-state.js';
import { ProblemAlert } from './problem-alert.js';
import { StatusBadge } from './status-badge.js';

const PAGE = 50;
/** Live events kept on screen; older ones are in the paged list below. */
const LIVE_MAX = 200;
type Outcome = 'success' | 'failure' | 'denied';
const OUTCOMES: readonly Outcome[] = ['success', 'failure', 'denied'];
type Format = 'csv' | 'jsonl';

interface Query {
  filters: AuditFilters;
  /** Operator view: one tenant's events. */
  tenant: string | undefined;
}

async function fetchPage(view: AuditView, { filters, tenant }: Query, cursor: string | undefined) {
  const api = latchkey().api;
  const query = { ...filters, limit: PAGE, ...(cursor === undefined ? {} : { cursor }) };
  let page: AuditEventPage;
  if (view === 'own') page = unwrap(await api.GET('/api/v1/audit', { params: { query } }));
  else if (view === 'tenant') page = unwrap(await api.GET('/api/v1/admin/audit', { params: { query } }));
  else {
    const withTenant = tenant === undefined ? query : { ...query, tenant };
    page = unwrap(await api.GET('/api/v1/operator/audit', { params: { query: withTenant } }));
  }
  return page;
}

async function fetchExport(view: AuditView, { filters, tenant }: Query, format: Format): Promise<Blob> {
  const api = latchkey().api;
  const query = { ...filters, format };
  // The SDK sends the active tenant's header, which a plain download link could not.
  const answer =
    view === 'own'
      ? await api.GET('/api/v1/audit/export', { params: { query }, parseAs: 'blob' })
      : view === 'tenant'
        ? await api.GET('/api/v1/admin/audit/export', { params: { query }, parseAs: 'blob' })
        : await api.GET('/api/v1/operator/audit/export', {
            params: { query: tenant === undefined ? query : { ...query, tenant } },
            parseAs: 'blob',
          });
  return unwrap(answer);
}

function save(blob: Blob, format: Format): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `audit-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.${format}`;
  link.click();
  // The click has started the download; the object URL is no longer needed.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 1000);
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

/** A `datetime-local` value (the user's local time) as ISO 8601 with offset, or nothing. */
function isoFromLocal(value: string): string | undefined {
  if (value === '') return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/**
 * Follows the live tail while `on`: new events first, at most LIVE_MAX. The tail is a fetch
 * stream through the SDK (not EventSource) so it carries the active tenant's header.
 */
function useLiveTail(view: AuditView, query: Query, on: boolean) {
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [open, setOpen] = useState(false);
  const key = JSON.stringify(query);
  useEffect(() => {
    setEvents([]);
    setError(undefined);
    setOpen(false);
    if (!on) return undefined;
    const stop = new AbortController();
    void (async () => {
      try {
        const tail = latchkey().followAudit(query.filters, {
          signal: stop.signal,
          view,
          onOpen: () => {
            setOpen(true);
          },
          ...(query.tenant === undefined ? {} : { tenant: query.tenant }),
        });
        for await (const event of tail) {
          setEvents((shown) => [event, ...shown.filter((e) => e.id !== event.id)].slice(0, LIVE_MAX));
        }
      } catch (err) {
        if (!stop.signal.aborted) setError(err);
      } finally {
        if (!stop.signal.aborted) setOpen(false);
      }
    })();
    return () => {
      stop.abort();
    };
    // `key` stands for `query`, whose identity changes on every render.
  }, [view, key, on]);
  return { events, error, open };
}

interface AuditLogProps {
  view: AuditView;
  /** Operator view: only this tenant's events. */
  tenant?: string | undefined;
  /** Actor, source, free-text and time filters, for administrators' views. */
  moreFilters?: boolean;
  emptyHint: string;
  /** Accessible name of the table. */
  label: string;
}

/**
 * An audit view (SPEC §8, §9): filters, newest first, page by page, event details, export as CSV
 * or JSON lines, and a live tail.
 */
export function AuditLog({ view, tenant, moreFilters = false, emptyHint, label }: AuditLogProps) {
  const { t, dateTime } = useI18n();
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [actor, setActor] = useState('');
  const [source, setSource] = useState('');
  const [text, setText] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [live, setLive] = useState(false);
  const [exporting, setExporting] = useState<Format | undefined>(undefined);
  const [exportError, setExportError] = useState<unknown>(undefined);
  const [open, setOpen] = useState<AuditEvent | undefined>(undefined);

  const filters: AuditFilters = {};
  const put = (key: 'action' | 'actor' | 'source' | 'q', value: string) => {
    if (value.trim() !== '') filters[key] = value.trim();
  };
  put('action', action);
  put('actor', actor);
  put('source', source);
  put('q', text);
  if (outcome !== undefined) filters.outcome = outcome;
  const fromIso = isoFromLocal(from);
  const toIso = isoFromLocal(to);
  if (fromIso !== undefined) filters.from = fromIso;
  if (toIso !== undefined) filters.to = toIso;
  const query: Query = { filters, tenant };

  const audit = useInfiniteQuery({
    queryKey: ['audit', view, query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => fetchPage(view, query, pageParam),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const tail = useLiveTail(view, query, live);
  const paged = audit.data?.pages.flatMap((p) => p.items) ?? [];
  const fresh = tail.events.filter((e) => !paged.some((p) => p.id === e.id));
  const events = [...fresh, ...paged];

  const download = async (format: Format) => {
    setExporting(format);
    setExportError(undefined);
    try {
      save(await fetchExport(view, query, format), format);
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(undefined);
    }
  };

  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
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
        {moreFilters && (
          <>
            <TextInput
              label={t('audit.filter.actor')}
              value={actor}
              onChange={(e) => {
                setActor(e.currentTarget.value);
              }}
            />
            <TextInput
              label={t('audit.filter.source')}
              placeholder="latchkey"
              value={source}
              onChange={(e) => {
                setSource(e.currentTarget.value);
              }}
            />
            <TextInput
              label={t('audit.filter.text')}
              value={text}
              onChange={(e) => {
                setText(e.currentTarget.value);
              }}
            />
            <TextInput
              type="datetime-local"
              label={t('audit.filter.from')}
              value={from}
              onChange={(e) => {
                setFrom(e.currentTarget.value);
              }}
            />
            <TextInput
              type="datetime-local"
              label={t('audit.filter.to')}
              value={to}
              onChange={(e) => {
                setTo(e.currentTarget.value);
              }}
            />
          </>
        )}
      </Group>
      <Group justify="space-between">
        <Group gap="xs">
          <Switch
            label={t('audit.live')}
            checked={live}
            onChange={(e) => {
              setLive(e.currentTarget.checked);
            }}
          />
          {live && tail.open && (
            <Badge color="green" variant="dot" data-testid="audit-live">
              {t('audit.live.on')}
            </Badge>
          )}
        </Group>
        <Group gap="xs">
          <Button
            variant="default"
            size="xs"
            loading={exporting === 'csv'}
            onClick={() => void download('csv')}
          >
            {t('audit.export.csv')}
          </Button>
          <Button
            variant="default"
            size="xs"
            loading={exporting === 'jsonl'}
            onClick={() => void download('jsonl')}
          >
            {t('audit.export.jsonl')}
          </Button>
        </Group>
      </Group>
      <ProblemAlert error={audit.error ?? tail.error ?? exportError} />
      {audit.isSuccess && events.length === 0 ? (
        <EmptyState title={t('audit.empty')} hint={emptyHint} />
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table striped highlightOnHover aria-label={label}>
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
                <Table.Tr key={e.id} data-action={e.action} data-live={fresh.includes(e) || undefined}>
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
