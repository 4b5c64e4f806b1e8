import { Title } from '@mantine/core';
import type { Me } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';

export function DashboardPage({ me }: { me: Me }) {
  const { t } = useI18n();
  return <Title order={2}>{t('dashboard.welcome', { name: me.user.name ?? me.user.subject })}</Title>;
}
