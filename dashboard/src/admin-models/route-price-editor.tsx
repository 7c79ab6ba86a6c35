// Edits every price of a route (five buckets, tiers) and its max output tokens; a 400 shows by its field.
import type { FormEvent, ReactNode } from 'react';
import type { ModelRoute } from '../api';
import { fieldError, isFieldError } from '../ui/field-error';
import { ErrorNotice } from '../ui/notice';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';
import {
  bucketFields,
  bucketLabels,
  editorParams,
  type ModelRouteUpdate,
  type PricesDraft,
  requiredBuckets,
  toPricesBody,
  toPricesDraft,
} from './route-prices';
import { bucketTestIds, TiersEditor } from './tiers-editor';

interface RoutePriceEditorProps {
  route: ModelRoute;
  /** PATCHes the route; throws the API's error. */
  onSave: (route: ModelRoute, body: ModelRouteUpdate) => Promise<void>;
  onClose: () => void;
  /** Shown at the far end of the buttons, away from Save. */
  deleteButton?: ReactNode;
}

export function RoutePriceEditor({ route, onSave, onClose, deleteButton }: RoutePriceEditorProps) {
  const draft = useDraft<PricesDraft>(toPricesDraft(route));
  const save = useAction();
  const { values } = draft;
  // Nothing is cleared on an error: the draft keeps what was typed, the message goes beside its field.
  const shownByField = isFieldError(save.error, editorParams(values));

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    void save.run(async () => {
      await onSave(route, toPricesBody(values));
      onClose();
      return null;
    });
  };

  return (
    <form className="price-editor" onSubmit={submit} data-testid={`price-editor-${route.slug}`}>
      <div className="form-grid form-grid-6">
        {bucketFields.map((field) => (
          <TextField
            key={field}
            label={`${bucketLabels[field]} $ / 1M`}
            {...draft.bind(field)}
            numeric="decimal"
            placeholder={requiredBuckets.includes(field) ? undefined : 'Input price'}
            required={requiredBuckets.includes(field)}
            error={fieldError(save.error, field)}
            testId={`price-${bucketTestIds[field]}`}
          />
        ))}
        <TextField
          label="Max output tokens"
          {...draft.bind('max_output_tokens')}
          numeric="integer"
          required
          error={fieldError(save.error, 'max_output_tokens')}
          testId="price-max-output"
        />
      </div>
      <TiersEditor tiers={values.tiers} onChange={(tiers) => draft.set({ tiers })} error={save.error} />
      {save.error && !shownByField ? <ErrorNotice error={save.error} testId="price-editor-error" /> : null}
      <div className="form-actions">
        <SubmitButton pending={save.pending} label="Save prices" pendingLabel="Saving…" testId={`save-prices-${route.slug}`} />
        <button type="button" className="button button-ghost" onClick={onClose} data-testid={`cancel-prices-${route.slug}`}>
          Cancel
        </button>
        {deleteButton ? <span className="form-actions-aside">{deleteButton}</span> : null}
      </div>
    </form>
  );
}
