import { Stack, Title } from '@mantine/core';
import { AuditLog } from '../components/audit-log.js';
import { useI18n } from '../i18n/i18n.js';

/** Audit log (SPEC §9): what I and my API tokens did, newest first. */
export function AuditPage() {
  const { t } = useI18n();
  return (
    <Stack>
      <Title order={2}>{t('audit.title')}</Title>
      <AuditLog view="own" label={t('audit.title')} emptyHint={t('audit.emptyHint')} />
    </Stack>
  );
}
