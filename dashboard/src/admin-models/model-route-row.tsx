// One model route: its prices as decimal text, and below it, while editing, the full price editor (and Delete).
import { useState } from 'react';
import type { ModelRoute } from '../api';
import { formatPrice } from '../format/decimal-text';
import { formatCount } from '../format/format-count';
import { useCan } from '../session/use-can';
import { Badge } from '../ui/badge';
import { ConfirmButton } from '../ui/confirm-button';
import { RoutePriceEditor } from './route-price-editor';
import type { ModelRouteUpdate } from './route-prices';

/** Columns of the routes table, for the editor row's colSpan. */
export const routeColumns = 10;

interface ModelRouteRowProps {
  route: ModelRoute;
  providerName: string;
  busy: boolean;
  onSavePrices: (route: ModelRoute, body: ModelRouteUpdate) => Promise<void>;
  onToggle: (route: ModelRoute) => void;
  onDelete: (route: ModelRoute) => void;
}

/** A price cell; an unset bucket price shows a faint dash (it falls back to the input price). */
function Price({ value, testId }: { value: number | string | null; testId: string }) {
  if (value === null)
    return (
      <span className="muted" title="Not set: priced at the input price" data-testid={testId}>
        —
      </span>
    );
  return (
    <span className="amount" data-testid={testId}>
      {formatPrice(value)}
    </span>
  );
}

/** A tier threshold in few characters: `200k`, `1M`, else the exact count. */
function threshold(tokens: number): string {
  if (tokens >= 1_000_000 && tokens % 1_000_000 === 0) return `${tokens / 1_000_000}M`;
  if (tokens >= 1_000 && tokens % 1_000 === 0) return `${tokens / 1_000}k`;
  return formatCount(tokens);
}

function tiersSummary(route: ModelRoute): string {
  return route.tiers
    .map(
      (tier) =>
        `> ${formatCount(tier.above_input_tokens)}: ${formatPrice(tier.input_usd_per_mtok)} / ${formatPrice(tier.output_usd_per_mtok)}`,
    )
    .join('\n');
}

export function ModelRouteRow({ route, providerName, busy, onSavePrices, onToggle, onDelete }: ModelRouteRowProps) {
  const [editing, setEditing] = useState(false);
  const can = useCan();
  const mayEdit = can('PATCH', '/v1/admin/models/:modelId');
  const cell = (name: string) => `model-${route.slug}-${name}`;

  return (
    <>
      <tr data-testid={`model-row-${route.slug}-${route.provider_id}`} className={editing ? 'row-editing' : undefined}>
        <td>
          <code className="mono strong">{route.slug}</code>
          {route.provider_model_id && route.provider_model_id !== route.slug ? (
            <span className="sub" title={route.provider_model_id}>
              → {route.provider_model_id}
            </span>
          ) : null}
        </td>
        <td className="nowrap">
          {providerName}
          <span className="sub">priority {route.priority}</span>
        </td>
        <td className="num">
          <Price value={route.input_usd_per_mtok} testId={cell('input')} />
        </td>
        <td className="num">
          <Price value={route.output_usd_per_mtok} testId={cell('output')} />
        </td>
        <td className="num">
          <Price value={route.cached_input_usd_per_mtok} testId={cell('cached')} />
        </td>
        <td className="num nowrap">
          <Price value={route.cache_write_usd_per_mtok} testId={cell('cache-write')} />
          <span className="muted"> / </span>
          <Price value={route.cache_write_1h_usd_per_mtok} testId={cell('cache-write-1h')} />
        </td>
        <td className="num nowrap" title={tiersSummary(route) || undefined} data-testid={cell('tiers')}>
          {route.tiers.length === 0 ? (
            <span className="muted">—</span>
          ) : (
            route.tiers.map((tier) => `> ${threshold(tier.above_input_tokens)}`).join(', ')
          )}
        </td>
        <td className="num" data-testid={cell('max-output')}>
          {formatCount(route.max_output_tokens)}
        </td>
        <td>{route.is_enabled ? <Badge tone="green">Enabled</Badge> : <Badge tone="grey">Disabled</Badge>}</td>
        <td className="actions-col">
          {mayEdit ? (
            <span className="row-actions">
              <button
                type="button"
                className="button button-small"
                onClick={() => setEditing(!editing)}
                aria-expanded={editing}
                data-testid={`edit-prices-${route.slug}`}
              >
                {editing ? 'Close' : 'Edit'}
              </button>
              <button
                type="button"
                className="button button-small"
                disabled={busy}
                onClick={() => onToggle(route)}
                data-testid={`toggle-model-${route.slug}`}
              >
                {route.is_enabled ? 'Disable' : 'Enable'}
              </button>
            </span>
          ) : null}
        </td>
      </tr>
      {editing && mayEdit ? (
        <tr className="editor-row">
          <td colSpan={routeColumns}>
            <RoutePriceEditor
              route={route}
              onSave={onSavePrices}
              onClose={() => setEditing(false)}
              deleteButton={
                can('DELETE', '/v1/admin/models/:modelId') ? (
                  <ConfirmButton
                    label="Delete route"
                    confirmLabel="Confirm delete"
                    onConfirm={() => onDelete(route)}
                    disabled={busy}
                    testId={`delete-model-${route.slug}`}
                  />
                ) : null
              }
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}
