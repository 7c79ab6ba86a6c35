// Shows the outcome of one action: its success sentence or the API's error.

import { ErrorNotice, Notice } from './notice';
import type { Action } from './use-action';

interface ActionFeedbackProps {
  action: Action;
  /** Prefix for `<prefix>-error` / `<prefix>-success` test ids. */
  testId: string;
}

export function ActionFeedback({ action, testId }: ActionFeedbackProps) {
  if (action.error) return <ErrorNotice error={action.error} testId={`${testId}-error`} />;
  if (action.success) {
    return (
      <Notice tone="success" testId={`${testId}-success`}>
        {action.success}
      </Notice>
    );
  }
  return null;
}
