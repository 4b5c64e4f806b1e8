import {
  ActionIcon,
  AppShell,
  Burger,
  Button,
  Group,
  NavLink,
  Select,
  Text,
  Title,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { setActiveTenant } from '../api/client.js';
import type { Me } from '../api/types.js';
import { LOCALES, useI18n, type Locale } from '../i18n/i18n.js';
import { navigationFor } from './navigation.js';

function ColorSchemeToggle() {
  const { t } = useI18n();
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light');
  const next = computed === 'dark' ? 'light' : 'dark';
  return (
    <ActionIcon
      variant="default"
      size="lg"
      aria-label={t(next === 'dark' ? 'shell.darkMode' : 'shell.lightMode')}
      onClick={() => {
        setColorScheme(next);
      }}
    >
      <span aria-hidden="true">{computed === 'dark' ? '☀' : '☾'}</span>
    </ActionIcon>
  );
}

function LanguageSelect() {
  const { t, locale, setLocale } = useI18n();
  return (
    <Select
      aria-label={t('shell.language')}
      w={110}
      allowDeselect={false}
      data={LOCALES.map((l) => ({ value: l, label: t(`locale.${l}`) }))}
      value={locale}
      onChange={(value) => {
        if (value === 'en' || value === 'fr') setLocale(value satisfies Locale);
      }}
    />
  );
}

/** Language, colour scheme and sign-out: in the header, or in the navigation on a phone. */
function Preferences({ onSignOut }: { onSignOut: () => Promise<void> }) {
  const { t } = useI18n();
  return (
    <>
      <LanguageSelect />
      <ColorSchemeToggle />
      <Button variant="default" onClick={() => void onSignOut()}>
        {t('shell.signOut')}
      </Button>
    </>
  );
}

/** The frame of every page: header (user, tenant, language, theme, sign out) and navigation. */
export function Shell({ me, children }: { me: Me; children: ReactNode }) {
  const { t } = useI18n();
  const [opened, { toggle, close }] = useDisclosure();
  // Below the `sm` breakpoint the navigation slides off-screen when folded; hidden too, so the
  // keyboard does not tab through links nobody sees.
  const phone = useMediaQuery('(max-width: 48em)');
  const location = useLocation();
  const queryClient = useQueryClient();
  const items = navigationFor(me);

  const signOut = async () => {
    // Sign-out is a browser route, not part of the public API the SDK covers.
    await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' });
    queryClient.clear();
    window.location.assign('/');
  };

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('shell.menu')}
              aria-expanded={opened}
            />
            <Title order={1} size="h3">
              Latchkey
            </Title>
          </Group>
          <Group wrap="nowrap" gap="sm">
            {me.memberships.length > 1 && (
              <Select
                aria-label={t('shell.tenant')}
                w={160}
                allowDeselect={false}
                data={me.memberships.map((m) => ({ value: m.slug, label: m.name }))}
                value={me.tenant?.slug ?? null}
                onChange={(slug) => {
                  setActiveTenant(slug ?? undefined);
                  void queryClient.invalidateQueries();
                }}
              />
            )}
            <Text size="sm" visibleFrom="sm" data-testid="user-name">
              {me.user.name ?? me.user.email ?? me.user.subject}
            </Text>
            <Group wrap="nowrap" gap="sm" visibleFrom="sm">
              <Preferences onSignOut={signOut} />
            </Group>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar
        p="xs"
        aria-label={t('shell.navigation')}
        component="nav"
        style={phone && !opened ? { visibility: 'hidden' } : undefined}
      >
        {items.map((item, i) => (
          <div key={item.path}>
            {i > 0 && items[i - 1]?.section !== item.section && (
              <Text size="xs" c="dimmed" tt="uppercase" fw={700} mt="md" mb={4} px="sm">
                {t(item.section === 'admin' ? 'nav.section.admin' : 'nav.section.operator')}
              </Text>
            )}
            <NavLink
              component={Link}
              to={item.path}
              label={t(item.label)}
              active={item.path === '/' ? location.pathname === '/' : location.pathname.startsWith(item.path)}
              aria-current={location.pathname === item.path ? 'page' : undefined}
              // On a phone the navigation covers the page: choosing a page closes it.
              onClick={close}
            />
          </div>
        ))}
        {/* On a phone the header has no room: language, theme and sign-out move here. */}
        <Group hiddenFrom="sm" gap="sm" mt="lg" px="sm">
          <Preferences onSignOut={signOut} />
        </Group>
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
