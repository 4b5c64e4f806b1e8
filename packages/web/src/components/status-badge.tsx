import { Badge } from '@mantine/core';
import { isMessageKey, useI18n } from '../i18n/i18n.js';

const COLORS: Record<string, string> = {
  active: 'green',
  ok: 'green',
  success: 'green',
  expired: 'gray',
  rotated: 'gray',
  revoked: 'red',
  failure: 'red',
  error: 'red',
  denied: 'orange',
  needs_consent: 'orange',
  expiring: 'yellow',
  suspended: 'orange',
  pending: 'blue',
  skipped: 'gray',
  deleted: 'red',
  terminated: 'red',
};

/** A status as a coloured chip with its translated name (never colour alone). */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const key = `status.${status}`;
  const label = isMessageKey(key) ? t(key) : status;
  return (
    // The tint carries the colour, the text keeps the scheme's own text colour: readable (WCAG AA)
    // in light and dark alike.
    <Badge
      color={COLORS[status] ?? 'gray'}
      variant="light"
      styles={{ label: { color: 'var(--mantine-color-text)' } }}
      data-status={status}
    >
      {label}
    </Badge>
  );
}
