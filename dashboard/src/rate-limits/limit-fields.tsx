// The three limit inputs of a rate-limit form; an empty input means unlimited.
import { TextField } from '../ui/text-field';
import type { Draft } from '../ui/use-draft';
import { type LimitsDraft, limitDimensions } from './limit-dimensions';

interface LimitFieldsProps {
  draft: Draft<LimitsDraft>;
  /** Test ids are `<testIdPrefix>-rpm`, `-tpm` and `-rpd`. */
  testIdPrefix: string;
  /** Explain each window under its input (off where space is tight). */
  hints?: boolean;
}

export function LimitFields({ draft, testIdPrefix, hints = true }: LimitFieldsProps) {
  return (
    <>
      {limitDimensions.map((dimension) => (
        <TextField
          key={dimension.key}
          label={dimension.label}
          hint={hints ? dimension.hint : undefined}
          {...draft.bind(dimension.key)}
          numeric="integer"
          placeholder="Unlimited"
          testId={`${testIdPrefix}-${dimension.short}`}
        />
      ))}
    </>
  );
}
