// Adds a model route: slug, provider, upstream model ID, prices per million tokens, limits, priority.
import type { ModelRoute, Provider } from '../api';
import { toAmount } from '../format/to-amount';
import { useSession } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Card } from '../ui/card';
import { SelectField } from '../ui/select-field';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

const emptyDraft = {
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
  const draft = useDraft(emptyDraft);
  const { values } = draft;
  const providerId = values.providerId || providers[0]?.id || '';

  const create = async (): Promise<string> => {
    const route = await client.post<ModelRoute>('/v1/admin/models', {
      slug: values.slug.trim(),
      provider_id: providerId,
      ...(values.providerModelId.trim() ? { provider_model_id: values.providerModelId.trim() } : {}),
      input_usd_per_mtok: toAmount(values.input),
      output_usd_per_mtok: toAmount(values.output),
      max_output_tokens: toAmount(values.maxOutputTokens),
      ...optional('cached_input_usd_per_mtok', values.cached),
      ...optional('context_window', values.contextWindow),
      ...optional('priority', values.priority),
    });
    draft.reset();
    onCreated();
    return `Route ${route.slug} added.`;
  };

  return (
    <Card title="Add a model route" description="Prices are USD per million tokens.">
      <ActionForm
        action={action}
        onSubmit={create}
        className="form-grid form-grid-5"
        testId="model-create-form"
        actions={<SubmitButton pending={action.pending} disabled={!providerId} label="Add route" testId="model-create" />}
      >
        <TextField label="Model slug" {...draft.bind('slug')} mono placeholder="llama-3.3-70b" required testId="model-slug" />
        <SelectField
          label="Provider"
          value={providerId}
          onChange={(value) => draft.set({ providerId: value })}
          options={providers.map((provider) => ({ value: provider.id, label: provider.name }))}
          required
          testId="model-provider"
        />
        <TextField
          label="Provider model ID (optional)"
          {...draft.bind('providerModelId')}
          mono
          placeholder="Same as slug"
          testId="model-provider-model-id"
        />
        <TextField
          label="Max output tokens"
          {...draft.bind('maxOutputTokens')}
          numeric="integer"
          placeholder="8192"
          required
          testId="model-max-output"
        />
        <TextField
          label="Context window (optional)"
          {...draft.bind('contextWindow')}
          numeric="integer"
          placeholder="128000"
          testId="model-context-window"
        />
        <TextField label="Input $ / 1M" {...draft.bind('input')} numeric="decimal" placeholder="2.50" required testId="model-input-price" />
        <TextField
          label="Output $ / 1M"
          {...draft.bind('output')}
          numeric="decimal"
          placeholder="10.00"
          required
          testId="model-output-price"
        />
        <TextField
          label="Cached input $ / 1M (optional)"
          {...draft.bind('cached')}
          numeric="decimal"
          placeholder="1.25"
          testId="model-cached-price"
        />
        <TextField label="Priority (optional)" {...draft.bind('priority')} numeric="integer" placeholder="100" testId="model-priority" />
      </ActionForm>
      <ActionFeedback action={action} testId="model-create" />
    </Card>
  );
}
