import { Title } from '@mantine/core';
import { useI18n } from '../i18n/i18n.js';

export function AdminServicesPage() {
  const { t } = useI18n();
  return <Title order={2}>{t('nav.dashboard')}</Title>;
}
