// A labelled select over a closed set of values; the chosen value keeps its literal type.
import { Field } from './field';

export interface SelectOption<V extends string> {
  value: V;
  label: string;
}

interface SelectFieldProps<V extends string> {
  label: string;
  value: V;
  onChange: (value: V) => void;
  options: readonly SelectOption<V>[];
  testId?: string;
  required?: boolean;
}

export function SelectField<V extends string>({ label, ...select }: SelectFieldProps<V>) {
  return (
    <Field label={label}>
      <Select {...select} />
    </Field>
  );
}

type SelectProps<V extends string> = Omit<SelectFieldProps<V>, 'label'> & { small?: boolean; ariaLabel?: string };

/** The bare select, e.g. a filter in a card header. */
export function Select<V extends string>({ value, onChange, options, testId, required, small, ariaLabel }: SelectProps<V>) {
  return (
    <select
      className={small ? 'input input-small' : 'input'}
      value={value}
      // The options are exactly `options`, so the browser can only hand back one of their values.
      onChange={(event) => onChange(event.target.value as V)}
      required={required}
      aria-label={ariaLabel}
      data-testid={testId}
    >
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}
