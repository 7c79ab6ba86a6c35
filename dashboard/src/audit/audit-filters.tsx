// The filter bar of the audit page: action, actor and a UTC date range.
import type { FormEvent } from 'react';
import { TextField } from '../ui/text-field';
import { useDraft } from '../ui/use-draft';
import { type AuditFilter, emptyAuditFilter } from './audit-filter';

export function AuditFilters({ onApply }: { onApply: (filter: AuditFilter) => void }) {
  const draft = useDraft<AuditFilter>(emptyAuditFilter);

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    onApply(draft.values);
  };

  return (
    <form className="filters" onSubmit={onSubmit} data-testid="audit-filters">
      <TextField label="Action" {...draft.bind('action')} placeholder="wallet.topup" testId="audit-filter-action" />
      <TextField label="Actor" {...draft.bind('actor')} placeholder="email, key prefix or id" testId="audit-filter-actor" />
      <TextField label="From (UTC)" {...draft.bind('fromDay')} type="date" testId="audit-filter-from" />
      <TextField label="To (UTC)" {...draft.bind('toDay')} type="date" testId="audit-filter-to" />
      <div className="form-actions form-actions-end">
        <button type="submit" className="button button-primary" data-testid="audit-filter-apply">
          Apply
        </button>
        <button
          type="button"
          className="button button-ghost"
          onClick={() => {
            draft.reset();
            onApply(emptyAuditFilter);
          }}
        >
          Reset
        </button>
      </div>
    </form>
  );
}
