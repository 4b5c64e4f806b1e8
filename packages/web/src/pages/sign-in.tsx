import { Anchor, Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useI18n } from '../i18n/i18n.js';

/** Nobody is signed in: one button to the identity provider, back to this page afterwards. */
export function SignInPage() {
  const { t } = useI18n();
  const returnTo = window.location.pathname + window.location.search;
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" maw={420} component="main">
        <Stack>
          <Title order={1}>Latchkey</Title>
          <Text>{t('signIn.pitch')}</Text>
          <Button component="a" href={`/auth/login?returnTo=${encodeURIComponent(returnTo)}`} size="md">
            {t('signIn.button')}
          </Button>
          <Anchor href="/api/v1/docs" size="sm">
            {t('signIn.apiReference')}
          </Anchor>
        </Stack>
      </Paper>
    </Center>
  );
}
