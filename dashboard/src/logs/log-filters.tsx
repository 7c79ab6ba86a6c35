// The filter bar of the logs page: model, end user, status and a UTC date range.
import { type FormEvent, useState } from 'react';
import type { RequestLogStatus } from '../api';
import { Field } from '../ui/field';
import { emptyLogFilter, type LogFilter } from './log-filter';

export function LogFilters({ onApply }: { onApply: (filter: LogFilter) => void }) {
  const [draft, setDraft] = useState<LogFilter>(emptyLogFilter);
  const set = (patch: Partial<LogFilter>): void => setDraft((current) => ({ ...current, ...patch }));

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    onApply(draft);
  };

  return (
    <form className="filters" onSubmit={onSubmit} data-testid="log-filters">
      <Field label="Model">
        <input
          className="input"
          placeholder="gpt-4o-mini"
          value={draft.model}
          onChange={(event) => set({ model: event.target.value })}
          data-testid="log-filter-model"
        />
      </Field>
      <Field label="End user">
        <input
          className="input"
          placeholder="ID or external ID"
          value={draft.endUser}
          onChange={(event) => set({ endUser: event.target.value })}
          data-testid="log-filter-end-user"
        />
      </Field>
      <Field label="Status">
        <select
          className="input"
          value={draft.status}
          onChange={(event) => set({ status: event.target.value as RequestLogStatus | '' })}
          data-testid="log-filter-status"
        >
          <option value="">Any</option>
          <option value="success">Success</option>
          <option value="error">Error</option>
          <option value="cancelled">Cancelled</option>
          <option value="rejected">Rejected</option>
        </select>
      </Field>
      <Field label="From (UTC)">
        <input
          className="input"
          type="date"
          value={draft.fromDay}
          onChange={(event) => set({ fromDay: event.target.value })}
          data-testid="log-filter-from"
        />
      </Field>
      <Field label="To (UTC)">
        <input
          className="input"
          type="date"
          value={draft.toDay}
          onChange={(event) => set({ toDay: event.target.value })}
          data-testid="log-filter-to"
        />
      </Field>
      <div className="form-actions form-actions-end">
        <button type="submit" className="button button-primary" data-testid="log-filter-apply">
          Apply
        </button>
        <button
          type="button"
          className="button button-ghost"
          onClick={() => {
            setDraft(emptyLogFilter);
            onApply(emptyLogFilter);
          }}
        >
          Reset
        </button>
      </div>
    </form>
  );
}
