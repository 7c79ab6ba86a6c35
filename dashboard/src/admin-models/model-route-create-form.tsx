// Adds a model route: slug, provider, upstream model ID, prices per million tokens, limits, priority.
import { type FormEvent, useState } from 'react';
import type { ModelRoute, Provider } from '../api';
import { toAmount } from '../format/to-amount';
import { useSession } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { Card } from '../ui/card';
import { Field } from '../ui/field';
import { useAction } from '../ui/use-action';

interface Draft {
  slug: string;
  providerId: string;
  providerModelId: string;
  input: string;
  output: string;
  cached: string;
  maxOutputTokens: string;
  contextWindow: string;
  priority: string;
}

const emptyDraft: Draft = {
  slug: '',
  providerId: '',
  providerModelId: '',
  input: '',
  output: '',
  cached: '',
  maxOutputTokens: '',
  contextWindow: '',
  priority: '',
};

function optional(name: string, value: string): Record<string, number | string> {
  return value.trim() === '' ? {} : { [name]: toAmount(value) };
}

export function ModelRouteCreateForm({ providers, onCreated }: { providers: Provider[]; onCreated: () => void }) {
  const { client } = useSession();
  const action = useAction();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const set = (patch: Partial<Draft>): void => setDraft((current) => ({ ...current, ...patch }));
  const providerId = draft.providerId || providers[0]?.id || '';

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void action.run(async () => {
      const route = await client.post<ModelRoute>('/v1/admin/models', {
        slug: draft.slug.trim(),
        provider_id: providerId,
        ...(draft.providerModelId.trim() ? { provider_model_id: draft.providerModelId.trim() } : {}),
        input_usd_per_mtok: toAmount(draft.input),
        output_usd_per_mtok: toAmount(draft.output),
        max_output_tokens: toAmount(draft.maxOutputTokens),
        ...optional('cached_input_usd_per_mtok', draft.cached),
        ...optional('context_window', draft.contextWindow),
        ...optional('priority', draft.priority),
      });
      setDraft(emptyDraft);
      onCreated();
      return `Route ${route.slug} added.`;
    });
  };

  return (
    <Card title="Add a model route" description="Prices are USD per million tokens.">
      <form className="form-grid form-grid-5" onSubmit={onSubmit} data-testid="model-create-form">
        <Field label="Model slug">
          <input
            className="input mono"
            placeholder="llama-3.3-70b"
            value={draft.slug}
            onChange={(event) => set({ slug: event.target.value })}
            required
            data-testid="model-slug"
          />
        </Field>
        <Field label="Provider">
          <select
            className="input"
            value={providerId}
            onChange={(event) => set({ providerId: event.target.value })}
            required
            data-testid="model-provider"
          >
            {providers.map((provider) => (
              <option key={provider.id} value={provider.id}>
                {provider.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Provider model ID (optional)">
          <input
            className="input mono"
            placeholder="Same as slug"
            value={draft.providerModelId}
            onChange={(event) => set({ providerModelId: event.target.value })}
            data-testid="model-provider-model-id"
          />
        </Field>
        <Field label="Max output tokens">
          <input
            className="input num-input"
            inputMode="numeric"
            placeholder="8192"
            value={draft.maxOutputTokens}
            onChange={(event) => set({ maxOutputTokens: event.target.value })}
            required
            data-testid="model-max-output"
          />
        </Field>
        <Field label="Context window (optional)">
          <input
            className="input num-input"
            inputMode="numeric"
            placeholder="128000"
            value={draft.contextWindow}
            onChange={(event) => set({ contextWindow: event.target.value })}
            data-testid="model-context-window"
          />
        </Field>
        <Field label="Input $ / 1M">
          <input
            className="input num-input"
            inputMode="decimal"
            placeholder="2.50"
            value={draft.input}
            onChange={(event) => set({ input: event.target.value })}
            required
            data-testid="model-input-price"
          />
        </Field>
        <Field label="Output $ / 1M">
          <input
            className="input num-input"
            inputMode="decimal"
            placeholder="10.00"
            value={draft.output}
            onChange={(event) => set({ output: event.target.value })}
            required
            data-testid="model-output-price"
          />
        </Field>
        <Field label="Cached input $ / 1M (optional)">
          <input
            className="input num-input"
            inputMode="decimal"
            placeholder="1.25"
            value={draft.cached}
            onChange={(event) => set({ cached: event.target.value })}
            data-testid="model-cached-price"
          />
        </Field>
        <Field label="Priority (optional)">
          <input
            className="input num-input"
            inputMode="numeric"
            placeholder="100"
            value={draft.priority}
            onChange={(event) => set({ priority: event.target.value })}
            data-testid="model-priority"
          />
        </Field>
        <div className="form-actions form-actions-end">
          <button type="submit" className="button button-primary" disabled={action.pending || !providerId} data-testid="model-create">
            Add route
          </button>
        </div>
      </form>
      <ActionFeedback action={action} testId="model-create" />
    </Card>
  );
}
