// A labelled form control with an optional hint line.
import type { ReactNode } from 'react';

interface FieldProps {
  label: string;
  hint?: ReactNode;
  children: ReactNode;
  grow?: boolean;
}

export function Field({ label, hint, children, grow = false }: FieldProps) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control comes in as `children`, nested inside the label
    <label className={grow ? 'field field-grow' : 'field'}>
      <span className="field-label">{label}</span>
      {children}
      {hint ? <span className="field-hint">{hint}</span> : null}
    </label>
  );
}
