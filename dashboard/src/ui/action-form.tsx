// A form whose submit runs one `Action`: the caller supplies only the fields and the task.
import type { FormEvent, ReactNode } from 'react';
import type { Action } from './use-action';

interface ActionFormProps {
  action: Action;
  /** Runs on submit; its sentence becomes the action's success message. */
  onSubmit: () => Promise<string | null>;
  /** Layout class: `form-grid form-grid-3`, `form-stack`, `inline-form`… */
  className: string;
  /** The submit button and any other buttons. */
  actions: ReactNode;
  /**
   * Where the buttons sit: in the next grid cell, aligned with the inputs, to its right (`end`) or left
   * (`start`); on a row of their own (`row`); or directly in the form's own flow (`inline`).
   */
  actionsPlacement?: 'end' | 'start' | 'row' | 'inline';
  testId?: string;
  children: ReactNode;
}

export function ActionForm({ action, onSubmit, className, actions, actionsPlacement = 'end', testId, children }: ActionFormProps) {
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    void action.run(onSubmit);
  };
  return (
    <form className={className} onSubmit={submit} data-testid={testId}>
      {children}
      {actionsPlacement === 'inline' ? actions : <div className={`form-actions form-actions-${actionsPlacement}`}>{actions}</div>}
    </form>
  );
}
