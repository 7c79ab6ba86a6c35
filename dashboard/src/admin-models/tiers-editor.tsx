// Long-context tiers as an editable table: a threshold and its prices per row; rows added and removed.
import type { ReactNode } from 'react';
import { fieldError } from '../ui/field-error';
import { TextInput } from '../ui/text-field';
import { type BucketField, bucketFields, bucketLabels, emptyTier, requiredBuckets, type TierDraft } from './route-prices';

/** Short test-id names of the price fields: `tier-0-input`, `tier-1-cache-write-1h`… */
export const bucketTestIds: Record<BucketField, string> = {
  input_usd_per_mtok: 'input',
  output_usd_per_mtok: 'output',
  cached_input_usd_per_mtok: 'cached',
  cache_write_usd_per_mtok: 'cache-write',
  cache_write_1h_usd_per_mtok: 'cache-write-1h',
};

interface TiersEditorProps {
  tiers: TierDraft[];
  onChange: (tiers: TierDraft[]) => void;
  /** The last save's error, shown in the cell its `param` names. */
  error: unknown;
}

function CellError({ message, testId }: { message: string | undefined; testId: string }): ReactNode {
  return message ? (
    <span className="field-error" role="alert" data-testid={testId}>
      {message}
    </span>
  ) : null;
}

export function TiersEditor({ tiers, onChange, error }: TiersEditorProps) {
  const update = (index: number, patch: Partial<TierDraft>): void =>
    onChange(tiers.map((tier, at) => (at === index ? { ...tier, ...patch } : tier)));
  const add = (): void => onChange([...tiers, emptyTier()]);
  const remove = (index: number): void => onChange(tiers.filter((_, at) => at !== index));

  return (
    <div className="tiers-editor" data-testid="tiers-editor">
      <div className="tiers-editor-header">
        <div>
          <span className="field-label">Long-context tiers</span>
          <span className="field-hint">
            When a request's prompt tokens exceed a tier's threshold, the whole request is priced at that tier. Thresholds ascend; empty
            cache prices fall back to the tier's input price.
          </span>
        </div>
        <button type="button" className="button button-small" onClick={add} data-testid="tier-add">
          Add tier
        </button>
      </div>
      {tiers.length === 0 ? (
        <p className="muted small" data-testid="tiers-none">
          No tiers: every request is priced at the route's prices.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table tiers-table" data-testid="tiers-table">
            <thead>
              <tr>
                <th className="num">Above input tokens</th>
                {bucketFields.map((field) => (
                  <th key={field} className="num">
                    {bucketLabels[field]}
                    {requiredBuckets.includes(field) ? '' : ' (opt.)'}
                  </th>
                ))}
                <th className="actions-col" aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {tiers.map((tier, index) => {
                const aboveError = fieldError(error, `tiers[${index}].above_input_tokens`) ?? fieldError(error, `tiers[${index}]`);
                return (
                  <tr key={tier.key} data-testid={`tier-row-${index}`}>
                    <td className="num">
                      <TextInput
                        small
                        numeric="integer"
                        value={tier.above_input_tokens}
                        onChange={(value) => update(index, { above_input_tokens: value })}
                        placeholder="200000"
                        ariaLabel={`Tier ${index + 1}: above input tokens`}
                        invalid={Boolean(aboveError)}
                        testId={`tier-${index}-above`}
                      />
                      <CellError message={aboveError} testId={`tier-${index}-above-error`} />
                    </td>
                    {bucketFields.map((field) => {
                      const message = fieldError(error, `tiers[${index}].${field}`);
                      return (
                        <td key={field} className="num">
                          <TextInput
                            small
                            numeric="decimal"
                            value={tier[field]}
                            onChange={(value) => update(index, { [field]: value })}
                            ariaLabel={`Tier ${index + 1}: ${bucketLabels[field]} $ / 1M`}
                            invalid={Boolean(message)}
                            testId={`tier-${index}-${bucketTestIds[field]}`}
                          />
                          <CellError message={message} testId={`tier-${index}-${bucketTestIds[field]}-error`} />
                        </td>
                      );
                    })}
                    <td className="actions-col">
                      <button
                        type="button"
                        className="button button-small button-danger-ghost"
                        onClick={() => remove(index)}
                        data-testid={`tier-${index}-remove`}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <CellError message={fieldError(error, 'tiers')} testId="tiers-error" />
    </div>
  );
}
