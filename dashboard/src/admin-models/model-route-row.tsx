// One model route: prices shown right-aligned, or three inputs while editing.
import { useState } from 'react';
import type { ModelRoute } from '../api';
import { formatCount } from '../format/format-count';
import { toAmount, toOptionalAmount } from '../format/to-amount';
import { Badge } from '../ui/badge';
import { ConfirmButton } from '../ui/confirm-button';
import { Money } from '../ui/money';
import { type FieldBinding, useDraft } from '../ui/use-draft';
import type { RoutePrices } from './route-prices';

interface ModelRouteRowProps {
  route: ModelRoute;
  providerName: string;
  busy: boolean;
  onSavePrices: (route: ModelRoute, prices: RoutePrices) => Promise<boolean>;
  onToggle: (route: ModelRoute) => void;
  onDelete: (route: ModelRoute) => void;
}

function text(value: number | string | null): string {
  return value === null ? '' : String(value);
}

export function ModelRouteRow({ route, providerName, busy, onSavePrices, onToggle, onDelete }: ModelRouteRowProps) {
  const [editing, setEditing] = useState(false);
  const draft = useDraft({ input: '', output: '', cached: '' });

  const startEditing = (): void => {
    draft.set({
      input: text(route.input_usd_per_mtok),
      output: text(route.output_usd_per_mtok),
      cached: text(route.cached_input_usd_per_mtok),
    });
    setEditing(true);
  };
  const save = (): void => {
    const { input, output, cached } = draft.values;
    const prices: RoutePrices = {
      input_usd_per_mtok: toAmount(input),
      output_usd_per_mtok: toAmount(output),
      cached_input_usd_per_mtok: toOptionalAmount(cached),
    };
    void onSavePrices(route, prices).then((saved) => {
      if (saved) setEditing(false);
    });
  };
  const priceCell = ({ value, onChange }: FieldBinding<string>, testId: string) => (
    <input
      className="input input-small num-input price-input"
      inputMode="decimal"
      value={value}
      onChange={(event) => onChange(event.target.value)}
      data-testid={testId}
    />
  );

  return (
    <tr data-testid={`model-row-${route.slug}-${route.provider_id}`}>
      <td>
        <code className="mono strong">{route.slug}</code>
        {route.provider_model_id && route.provider_model_id !== route.slug ? (
          <span className="sub" title={route.provider_model_id}>
            → {route.provider_model_id}
          </span>
        ) : null}
      </td>
      <td className="nowrap">{providerName}</td>
      {editing ? (
        <>
          <td className="num">{priceCell(draft.bind('input'), 'price-input')}</td>
          <td className="num">{priceCell(draft.bind('output'), 'price-output')}</td>
          <td className="num">{priceCell(draft.bind('cached'), 'price-cached')}</td>
        </>
      ) : (
        <>
          <td className="num">
            <Money value={route.input_usd_per_mtok} />
          </td>
          <td className="num">
            <Money value={route.output_usd_per_mtok} />
          </td>
          <td className="num">
            {route.cached_input_usd_per_mtok === null ? (
              <span className="muted">—</span>
            ) : (
              <Money value={route.cached_input_usd_per_mtok} />
            )}
          </td>
        </>
      )}
      <td className="num">{formatCount(route.max_output_tokens)}</td>
      <td className="num">{route.priority}</td>
      <td>{route.is_enabled ? <Badge tone="green">Enabled</Badge> : <Badge tone="grey">Disabled</Badge>}</td>
      <td className="actions-col">
        <span className="row-actions">
          {editing ? (
            <>
              <button
                type="button"
                className="button button-small button-primary"
                disabled={busy}
                onClick={save}
                data-testid={`save-prices-${route.slug}`}
              >
                Save
              </button>
              <button type="button" className="button button-small button-ghost" onClick={() => setEditing(false)}>
                Cancel
              </button>
            </>
          ) : (
            <>
              <button type="button" className="button button-small" onClick={startEditing} data-testid={`edit-prices-${route.slug}`}>
                Edit
              </button>
              <button type="button" className="button button-small" disabled={busy} onClick={() => onToggle(route)}>
                {route.is_enabled ? 'Disable' : 'Enable'}
              </button>
              <ConfirmButton
                label="Delete"
                confirmLabel="Confirm delete"
                onConfirm={() => onDelete(route)}
                disabled={busy}
                testId={`delete-model-${route.slug}`}
              />
            </>
          )}
        </span>
      </td>
    </tr>
  );
}
