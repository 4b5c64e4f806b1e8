import { Button, Group, Modal, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { ProblemAlert } from './problem-alert.js';

interface Props {
  opened: boolean;
  onClose: () => void;
  title: string;
  submitLabel: string;
  onSubmit: () => void;
  busy: boolean;
  /** The failed submission's error, shown above the buttons. */
  error: unknown;
  children: ReactNode;
}

/**
 * A dialog holding one form: its fields, the API's answer when it refused them, Cancel and submit.
 * Enter submits; Mantine's Modal keeps the focus inside and gives it back on close.
 */
export function FormDialog({ opened, onClose, title, submitLabel, onSubmit, busy, error, children }: Props) {
  const { t } = useI18n();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={title}
      centered
      closeButtonProps={{ 'aria-label': t('action.close') }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        <Stack>
          {children}
          <ProblemAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('action.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
