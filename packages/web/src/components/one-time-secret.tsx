import { Alert, Button, Code, CopyButton, Stack } from '@mantine/core';
import { useI18n } from '../i18n/i18n.js';

interface Props {
  value: string;
  /** Why it is shown only now. */
  warningTitle?: string;
  warning: string;
  copyLabel: string;
  testId: string;
}

/**
 * A secret the API shows once (an API token, a webhook signing secret): a warning, the value
 * focusable for keyboard copy, and a copy button. It lives only in this component's props: never
 * in storage, gone when the dialog closes.
 */
export function OneTimeSecret({ value, warningTitle, warning, copyLabel, testId }: Props) {
  const { t } = useI18n();
  return (
    <Stack>
      <Alert color="yellow" {...(warningTitle === undefined ? {} : { title: warningTitle })}>
        {warning}
      </Alert>
      <Code block data-testid={testId} tabIndex={0}>
        {value}
      </Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button onClick={copy} color={copied ? 'teal' : 'indigo'} w="fit-content">
            {copied ? t('action.copied') : copyLabel}
          </Button>
        )}
      </CopyButton>
    </Stack>
  );
}
