import {
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  MultiSelect,
  SegmentedControl,
  Select,
  Stack,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { createLatchkeyClient } from '@latchkey/sdk';
import { latchkey } from '../api/client.js';
import type { Connection, CreatedApiToken, Permission, Service } from '../api/types.js';
import { OneTimeSecret } from '../components/one-time-secret.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { useI18n, type MessageKey } from '../i18n/i18n.js';
import { jmapSessionOf, usageSnippets, type JmapSession } from './usage-snippets.js';

const PRESETS: Record<string, { label: MessageKey; permissions: Permission[] }> = {
  read: { label: 'create.preset.read', permissions: ['read'] },
  write: { label: 'create.preset.write', permissions: ['read', 'write'] },
  full: { label: 'create.preset.full', permissions: ['read', 'write', 'delete', 'exchange'] },
};
// The lifetimes the API accepts (the generated type of `expiresInDays` lists them).
const EXPIRY_DAYS = [7, 30, 90, 365] as const;
type ExpiryDays = (typeof EXPIRY_DAYS)[number];

/** Starts a connection: either it exists already, or the browser goes to the provider's consent. */
export async function connectService(service: string): Promise<Connection | undefined> {
  const answer = await latchkey().connect(service, {
    returnTo: `/tokens?connected=${encodeURIComponent(service)}`,
  });
  if ('authorizationUrl' in answer) {
    window.location.assign(answer.authorizationUrl);
    return undefined;
  }
  return answer;
}

function Snippet({ code, label }: { code: string; label: string }) {
  const { t } = useI18n();
  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          {label}
        </Text>
        <CopyButton value={code}>
          {({ copied, copy }) => (
            <Button size="compact-xs" variant="light" onClick={copy}>
              {copied ? t('action.copied') : t('action.copy')}
            </Button>
          )}
        </CopyButton>
      </Group>
      {/* Focusable so keyboard users can scroll a long snippet (WCAG 2.1.1). */}
      <Code block tabIndex={0} aria-label={label}>
        {code}
      </Code>
    </Stack>
  );
}

/**
 * The JMAP sessions of the chosen JMAP services, read through the proxy with the new token, so
 * the snippets carry the user's real account id (SPEC §9). Component state, not the query cache:
 * the token must not outlive the dialog. A service whose session cannot be read (no connection
 * yet, no read permission) keeps the generic snippet.
 */
function useJmapSessions(token: string, services: readonly Service[]): Partial<Record<string, JmapSession>> {
  const [sessions, setSessions] = useState<Partial<Record<string, JmapSession>>>({});
  const jmapIds = services
    .filter((s) => s.jmap)
    .map((s) => s.id)
    .join(',');
  useEffect(() => {
    const stop = new AbortController();
    const origin = window.location.origin;
    const client = createLatchkeyClient({ baseUrl: origin, token });
    for (const service of services.filter((s) => s.jmap)) {
      void client
        .proxyFetch(service.id, '/.well-known/jmap', { signal: stop.signal })
        .then(async (res) => (res.ok ? jmapSessionOf(service, origin, await res.json()) : undefined))
        .then((session) => {
          if (session !== undefined && !stop.signal.aborted)
            setSessions((known) => ({ ...known, [service.id]: session }));
        })
        .catch(() => undefined);
    }
    return () => {
      stop.abort();
    };
    // `services` is a new array on every render; the ids say whether it changed.
  }, [token, jmapIds]);
  return sessions;
}

/** The one-time display: the secret with a copy button, and how to use it. */
function CreatedToken({ created, services }: { created: CreatedApiToken; services: readonly Service[] }) {
  const { t } = useI18n();
  const chosen = created.apiToken.services.includes('*')
    ? services
    : services.filter((s) => created.apiToken.services.includes(s.id));
  const sessions = useJmapSessions(created.token, chosen);
  const snippets = usageSnippets(window.location.origin, created.token, chosen, sessions);
  return (
    <Tabs defaultValue="token">
      <Tabs.List>
        <Tabs.Tab value="token">{t('create.tab.token')}</Tabs.Tab>
        <Tabs.Tab value="usage">{t('create.tab.usage')}</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="token" pt="md">
        <OneTimeSecret
          value={created.token}
          warningTitle={t('create.once.title')}
          warning={t('create.once.body')}
          copyLabel={t('create.copyToken')}
          testId="new-token"
        />
      </Tabs.Panel>
      <Tabs.Panel value="usage" pt="md">
        <Stack>
          {snippets.map((s) => (
            <Stack key={s.service} gap="xs" data-testid={`usage-${s.service}`}>
              <Text fw={700}>{s.service}</Text>
              <Snippet code={s.curl} label="curl" />
              <Snippet code={s.sdk} label={t('create.usage.sdk')} />
              <Snippet code={s.cli} label={t('create.usage.cli')} />
            </Stack>
          ))}
        </Stack>
      </Tabs.Panel>
    </Tabs>
  );
}

interface Props {
  opened: boolean;
  onClose: () => void;
  services: readonly Service[];
}

/** Create token (SPEC §9): a service connection, or an API token shown once. */
export function CreateTokenDialog({ opened, onClose, services }: Props) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<'api' | 'connection'>('api');
  const [name, setName] = useState('');
  const [allServices, setAllServices] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);
  const [preset, setPreset] = useState('read');
  const [days, setDays] = useState<ExpiryDays>(30);
  const [connectTo, setConnectTo] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: (): Promise<CreatedApiToken> =>
      latchkey().tokens.create({
        name,
        services: allServices ? ['*'] : chosen,
        permissions: PRESETS[preset]?.permissions ?? ['read'],
        expiresInDays: days,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-tokens'] }),
  });
  const connect = useMutation({
    mutationFn: (service: string) => connectService(service),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['connections'] }),
  });

  const close = () => {
    create.reset();
    connect.reset();
    setName('');
    setChosen([]);
    onClose();
  };

  const serviceOptions = services.map((s) => ({ value: s.id, label: s.name }));
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t('create.title')}
      size="lg"
      centered
      closeButtonProps={{ 'aria-label': t('action.close') }}
    >
      {create.data !== undefined ? (
        <Stack>
          <CreatedToken created={create.data} services={services} />
          <Group justify="flex-end">
            <Button onClick={close}>{t('action.done')}</Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <SegmentedControl
            value={kind}
            onChange={(v) => {
              setKind(v === 'connection' ? 'connection' : 'api');
            }}
            data={[
              { value: 'api', label: t('create.kind.api') },
              { value: 'connection', label: t('create.kind.connection') },
            ]}
          />
          {kind === 'connection' ? (
            <>
              <Select
                label={t('create.service')}
                data={serviceOptions}
                value={connectTo}
                onChange={setConnectTo}
                data-autofocus
              />
              <Text size="sm" c="dimmed">
                {t('create.connection.hint')}
              </Text>
              <ProblemAlert error={connect.error} />
              <Group justify="flex-end">
                <Button variant="default" onClick={close}>
                  {t('action.cancel')}
                </Button>
                <Button
                  disabled={connectTo === null}
                  loading={connect.isPending}
                  onClick={() => {
                    if (connectTo !== null) connect.mutate(connectTo);
                  }}
                >
                  {t('action.connect')}
                </Button>
              </Group>
            </>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                create.mutate();
              }}
            >
              <Stack>
                <TextInput
                  label={t('create.name')}
                  required
                  value={name}
                  maxLength={100}
                  onChange={(e) => {
                    setName(e.currentTarget.value);
                  }}
                  data-autofocus
                />
                <Checkbox
                  label={t('create.allServices')}
                  checked={allServices}
                  onChange={(e) => {
                    setAllServices(e.currentTarget.checked);
                  }}
                />
                {!allServices && (
                  <MultiSelect
                    label={t('create.services')}
                    data={serviceOptions}
                    value={chosen}
                    onChange={setChosen}
                  />
                )}
                <Stack gap={4}>
                  <Text size="sm" fw={500} id="preset-label">
                    {t('create.permissions')}
                  </Text>
                  <SegmentedControl
                    aria-labelledby="preset-label"
                    value={preset}
                    onChange={setPreset}
                    data={Object.entries(PRESETS).map(([value, p]) => ({ value, label: t(p.label) }))}
                  />
                </Stack>
                <Select
                  label={t('create.expiry')}
                  allowDeselect={false}
                  data={EXPIRY_DAYS.map((d) => ({ value: String(d), label: t('create.days', { n: d }) }))}
                  value={String(days)}
                  onChange={(v) => {
                    setDays(EXPIRY_DAYS.find((d) => String(d) === v) ?? 30);
                  }}
                />
                <ProblemAlert error={create.error} />
                <Group justify="flex-end">
                  <Button variant="default" onClick={close}>
                    {t('action.cancel')}
                  </Button>
                  <Button
                    type="submit"
                    loading={create.isPending}
                    disabled={name.trim() === '' || (!allServices && chosen.length === 0)}
                  >
                    {t('action.create')}
                  </Button>
                </Group>
              </Stack>
            </form>
          )}
        </Stack>
      )}
    </Modal>
  );
}
