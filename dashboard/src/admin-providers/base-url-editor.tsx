// Shows a base URL; "Edit" turns it into an input with Save / Cancel.
import { type FormEvent, useState } from 'react';

interface BaseUrlEditorProps {
  value: string;
  busy: boolean;
  onSave: (baseUrl: string) => Promise<boolean>;
  testId: string;
}

export function BaseUrlEditor({ value, busy, onSave, testId }: BaseUrlEditorProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);

  if (!editing) {
    return (
      <span className="inline-edit">
        <code className="mono small">{value || '—'}</code>
        <button
          type="button"
          className="button button-small button-ghost"
          onClick={() => {
            setDraft(value);
            setEditing(true);
          }}
          data-testid={`${testId}-edit`}
        >
          Edit
        </button>
      </span>
    );
  }

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void onSave(draft.trim()).then((saved) => {
      if (saved) setEditing(false);
    });
  };

  return (
    <form className="inline-form" onSubmit={onSubmit}>
      <input
        className="input input-small mono"
        type="url"
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        required
        data-testid={`${testId}-input`}
      />
      <button type="submit" className="button button-small button-primary" disabled={busy} data-testid={`${testId}-save`}>
        Save
      </button>
      <button type="button" className="button button-small button-ghost" onClick={() => setEditing(false)}>
        Cancel
      </button>
    </form>
  );
}
