// A banner for errors, successes and hints, shown next to the action that caused it.
import type { ReactNode } from 'react';
import { errorMessage, errorRequestId } from './error-message';

interface NoticeProps {
  tone: 'error' | 'success' | 'info' | 'warning';
  children: ReactNode;
  testId?: string;
}

export function Notice({ tone, children, testId }: NoticeProps) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'} data-testid={testId}>
      {children}
    </div>
  );
}

interface ErrorNoticeProps {
  error: unknown;
  testId?: string;
}

/** The API's error message (and request id) or nothing when there is no error. */
export function ErrorNotice({ error, testId = 'error-banner' }: ErrorNoticeProps) {
  if (error === null || error === undefined) return null;
  const requestId = errorRequestId(error);
  return (
    <Notice tone="error" testId={testId}>
      <span data-testid={`${testId}-message`}>{errorMessage(error)}</span>
      {requestId ? <span className="notice-meta">Request ID {requestId}</span> : null}
    </Notice>
  );
}
