// The values of a form's fields, bound to its inputs by name, with a reset to the first values.
import { useCallback, useState } from 'react';

/** What a field component needs: the value and a setter for it. */
export interface FieldBinding<V> {
  value: V;
  onChange: (value: V) => void;
}

export interface Draft<T> {
  values: T;
  bind: <K extends keyof T>(name: K) => FieldBinding<T[K]>;
  set: (patch: Partial<T>) => void;
  reset: () => void;
}

/** One state object for all of a form's fields; `bind('name')` spreads onto a TextField or SelectField. */
export function useDraft<T extends object>(initial: T): Draft<T> {
  const [first] = useState(initial);
  const [values, setValues] = useState<T>(initial);
  const set = useCallback((patch: Partial<T>) => setValues((current) => ({ ...current, ...patch })), []);
  const bind = <K extends keyof T>(name: K): FieldBinding<T[K]> => ({
    value: values[name],
    onChange: (value) => setValues((current) => ({ ...current, [name]: value })),
  });
  const reset = useCallback(() => setValues(first), [first]);
  return { values, bind, set, reset };
}
