import { Alert } from '@mantine/core';
import { ApiError } from '../api/problem.js';
import { useI18n } from '../i18n/i18n.js';

/** An API error as a readable message: the problem's detail, its code and the request id. */
export function ProblemAlert({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error === null || error === undefined) return null;
  const problem = error instanceof ApiError ? error : undefined;
  return (
    <Alert color="red" role="alert" title={problem?.title ?? t('error.title')} data-testid="problem">
      {problem === undefined ? t('error.unexpected') : (problem.detail ?? problem.title)}
      {problem?.requestId !== undefined && (
        <div>
          <small>{t('error.requestId', { id: problem.requestId })}</small>
        </div>
      )}
    </Alert>
  );
}
