// A labelled text input: plain, monospace (keys, IDs, URLs), secret, or numeric with an optional "$" prefix.
import type { ReactNode } from 'react';
import { Field } from './field';

interface TextFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  hint?: ReactNode;
  placeholder?: string;
  required?: boolean;
  type?: 'text' | 'url' | 'date';
  /** Monospace, no spell check or autofill: keys, IDs, slugs and URLs. */
  mono?: boolean;
  /** A password-style input for secrets (implies `mono`). */
  secret?: boolean;
  /** Right-aligned tabular digits with the matching mobile keyboard. */
  numeric?: 'decimal' | 'integer';
  /** Shown inside the input on the left, e.g. "$". */
  prefix?: string;
  /** The API's message for this field (test id `<testId>-error`). */
  error?: string | undefined;
}

export function TextField({ label, hint, prefix, error, ...input }: TextFieldProps) {
  const control = <TextInput {...input} invalid={Boolean(error)} />;
  return (
    <Field label={label} hint={hint} error={error} errorTestId={`${input.testId}-error`}>
      {prefix ? (
        <div className="input-affix">
          <span className="input-prefix">{prefix}</span>
          {control}
        </div>
      ) : (
        control
      )}
    </Field>
  );
}

type TextInputProps = Omit<TextFieldProps, 'label' | 'hint' | 'prefix' | 'error'> & {
  small?: boolean;
  ariaLabel?: string;
  /** Marks the input as rejected by the API. */
  invalid?: boolean;
};

/** The bare input, for inline forms without a label above the control. */
export function TextInput({
  value,
  onChange,
  testId,
  placeholder,
  required,
  type,
  mono,
  secret,
  numeric,
  small,
  ariaLabel,
  invalid = false,
}: TextInputProps) {
  const classes = [
    'input',
    small ? 'input-small' : '',
    mono || secret ? 'mono' : '',
    numeric ? 'num-input' : '',
    invalid ? 'input-invalid' : '',
  ];
  const plain = !(mono || secret || numeric);
  return (
    <input
      className={classes.filter(Boolean).join(' ')}
      type={secret ? 'password' : (type ?? 'text')}
      inputMode={numeric === 'decimal' ? 'decimal' : numeric === 'integer' ? 'numeric' : undefined}
      autoComplete={plain ? undefined : 'off'}
      spellCheck={mono || secret ? false : undefined}
      placeholder={placeholder}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      required={required}
      aria-label={ariaLabel}
      aria-invalid={invalid || undefined}
      data-testid={testId}
    />
  );
}
