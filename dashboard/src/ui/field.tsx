// A labelled form control with an optional hint line, or the API's error for this field.
import type { ReactNode } from 'react';

interface FieldProps {
  label: string;
  hint?: ReactNode;
  children: ReactNode;
  grow?: boolean;
  /** The API's message for this field; shown instead of the hint. */
  error?: string | undefined;
  /** Test id of the error line. */
  errorTestId?: string | undefined;
}

export function Field({ label, hint, children, grow = false, error, errorTestId }: FieldProps) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control comes in as `children`, nested inside the label
    <label className={grow ? 'field field-grow' : 'field'}>
      <span className="field-label">{label}</span>
      {children}
      {error ? (
        <span className="field-error" role="alert" data-testid={errorTestId}>
          {error}
        </span>
      ) : hint ? (
        <span className="field-hint">{hint}</span>
      ) : null}
    </label>
  );
}
