// The filter bar of the logs page: model, end user, status and a UTC date range.
import type { FormEvent } from 'react';
import type { RequestLogStatus } from '../api';
import { SelectField, type SelectOption } from '../ui/select-field';
import { TextField } from '../ui/text-field';
import { useDraft } from '../ui/use-draft';
import { emptyLogFilter, type LogFilter } from './log-filter';

const statusOptions: ReadonlyArray<SelectOption<RequestLogStatus | ''>> = [
  { value: '', label: 'Any' },
  { value: 'success', label: 'Success' },
  { value: 'error', label: 'Error' },
  { value: 'cancelled', label: 'Cancelled' },
  { value: 'rejected', label: 'Rejected' },
];

export function LogFilters({ onApply }: { onApply: (filter: LogFilter) => void }) {
  const draft = useDraft<LogFilter>(emptyLogFilter);

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    onApply(draft.values);
  };

  return (
    <form className="filters" onSubmit={onSubmit} data-testid="log-filters">
      <TextField label="Model" {...draft.bind('model')} placeholder="gpt-4o-mini" testId="log-filter-model" />
      <TextField label="End user" {...draft.bind('endUser')} placeholder="ID or external ID" testId="log-filter-end-user" />
      <SelectField label="Status" {...draft.bind('status')} options={statusOptions} testId="log-filter-status" />
      <TextField label="From (UTC)" {...draft.bind('fromDay')} type="date" testId="log-filter-from" />
      <TextField label="To (UTC)" {...draft.bind('toDay')} type="date" testId="log-filter-to" />
      <div className="form-actions form-actions-end">
        <button type="submit" className="button button-primary" data-testid="log-filter-apply">
          Apply
        </button>
        <button
          type="button"
          className="button button-ghost"
          onClick={() => {
            draft.reset();
            onApply(emptyLogFilter);
          }}
        >
          Reset
        </button>
      </div>
    </form>
  );
}
