import { Button, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useLocation } from 'react-router';
import type { Me } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';

/**
 * The operator pages need an operator sign-in (SPEC §3.2: an operator-audience token as well as
 * the platform-admin flag); an everyday session of a platform admin is offered that step up.
 */
export function OperatorGate({ me, children }: { me: Me; children: ReactNode }) {
  const { t } = useI18n();
  const location = useLocation();
  if (me.operator) return children;
  const returnTo = location.pathname + location.search;
  return (
    <Paper withBorder p="xl" radius="md" maw={560} data-testid="operator-gate">
      <Stack>
        <Title order={2}>{t('operator.gate.title')}</Title>
        <Text>{t('operator.gate.body')}</Text>
        <Button
          component="a"
          href={`/auth/login?operator=1&returnTo=${encodeURIComponent(returnTo)}`}
          w="fit-content"
        >
          {t('operator.gate.signIn')}
        </Button>
      </Stack>
    </Paper>
  );
}
