import { Title } from '@mantine/core';
import { useI18n } from '../i18n/i18n.js';

export function OperatorPartnersPage() {
  const { t } = useI18n();
  return <Title order={2}>{t('nav.operatorPartners')}</Title>;
}
export function OperatorPartnerPage() {
  const { t } = useI18n();
  return <Title order={2}>{t('nav.operatorPartners')}</Title>;
}
