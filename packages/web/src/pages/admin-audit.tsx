import { Stack, Text, Title } from '@mantine/core';
import type { Me } from '../api/types.js';
import { AuditLog } from '../components/audit-log.js';
import { useI18n } from '../i18n/i18n.js';

/** Admin: audit (SPEC §9): every event of the tenant, with all filters, export and live tail. */
export function AdminAuditPage({ me }: { me: Me }) {
  const { t } = useI18n();
  return (
    <Stack>
      <Title order={2}>{t('admin.audit.title')}</Title>
      <Text c="dimmed" size="sm">
        {t('admin.audit.intro', { tenant: me.tenant?.name ?? '' })}
      </Text>
      <AuditLog
        view="tenant"
        moreFilters
        label={t('admin.audit.title')}
        emptyHint={t('admin.audit.emptyHint')}
      />
    </Stack>
  );
}
