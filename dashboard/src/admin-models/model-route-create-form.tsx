// Adds a model route: slug, provider, upstream model ID, prices per million tokens, limits, priority.
// Long-context tiers are added with the route's price editor.
import type { Provider } from '../api';
import { toAmount, toNumberField } from '../format/to-amount';
import { useSession } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Card } from '../ui/card';
import { fieldError, isFieldError } from '../ui/field-error';
import { SelectField } from '../ui/select-field';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

const fieldParams = [
  'slug',
  'provider_model_id',
  'max_output_tokens',
  'context_window',
  'input_usd_per_mtok',
  'output_usd_per_mtok',
  'cached_input_usd_per_mtok',
  'cache_write_usd_per_mtok',
  'cache_write_1h_usd_per_mtok',
  'priority',
];

const emptyDraft = {
  slug: '',
  providerId: '',
  providerModelId: '',
  input: '',
  output: '',
  cached: '',
  cacheWrite: '',
  cacheWrite1h: '',
  maxOutputTokens: '',
  contextWindow: '',
  priority: '',
};

function optional(name: string, value: string): Record<string, number | string> {
  return value.trim() === '' ? {} : { [name]: toAmount(value) };
}

export function ModelRouteCreateForm({ providers, onCreated }: { providers: Provider[]; onCreated: () => void }) {
  const { api } = useSession();
  const action = useAction();
  const draft = useDraft(emptyDraft);
  const { values } = draft;
  const providerId = values.providerId || providers[0]?.id || '';
  const errorOf = (param: string) => fieldError(action.error, param);

  const create = async (): Promise<string> => {
    const route = await api.post('/v1/admin/models', {
      body: {
        slug: values.slug.trim(),
        provider_id: providerId,
        ...(values.providerModelId.trim() ? { provider_model_id: values.providerModelId.trim() } : {}),
        input_usd_per_mtok: toNumberField(values.input),
        output_usd_per_mtok: toNumberField(values.output),
        max_output_tokens: toNumberField(values.maxOutputTokens),
        ...optional('cached_input_usd_per_mtok', values.cached),
        ...optional('cache_write_usd_per_mtok', values.cacheWrite),
        ...optional('cache_write_1h_usd_per_mtok', values.cacheWrite1h),
        ...optional('context_window', values.contextWindow),
        ...optional('priority', values.priority),
      },
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
        <TextField
          label="Model slug"
          {...draft.bind('slug')}
          mono
          placeholder="llama-3.3-70b"
          required
          error={errorOf('slug')}
          testId="model-slug"
        />
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
          error={errorOf('provider_model_id')}
          testId="model-provider-model-id"
        />
        <TextField
          label="Max output tokens"
          {...draft.bind('maxOutputTokens')}
          numeric="integer"
          placeholder="8192"
          required
          error={errorOf('max_output_tokens')}
          testId="model-max-output"
        />
        <TextField
          label="Context window (optional)"
          {...draft.bind('contextWindow')}
          numeric="integer"
          placeholder="128000"
          error={errorOf('context_window')}
          testId="model-context-window"
        />
        <TextField
          label="Input $ / 1M"
          {...draft.bind('input')}
          numeric="decimal"
          placeholder="2.50"
          required
          error={errorOf('input_usd_per_mtok')}
          testId="model-input-price"
        />
        <TextField
          label="Output $ / 1M"
          {...draft.bind('output')}
          numeric="decimal"
          placeholder="10.00"
          required
          error={errorOf('output_usd_per_mtok')}
          testId="model-output-price"
        />
        <TextField
          label="Cached input $ / 1M (optional)"
          {...draft.bind('cached')}
          numeric="decimal"
          placeholder="1.25"
          error={errorOf('cached_input_usd_per_mtok')}
          testId="model-cached-price"
        />
        <TextField
          label="Cache write 5 min $ / 1M (optional)"
          {...draft.bind('cacheWrite')}
          numeric="decimal"
          placeholder="3.75"
          error={errorOf('cache_write_usd_per_mtok')}
          testId="model-cache-write-price"
        />
        <TextField
          label="Cache write 1 h $ / 1M (optional)"
          {...draft.bind('cacheWrite1h')}
          numeric="decimal"
          placeholder="6.00"
          error={errorOf('cache_write_1h_usd_per_mtok')}
          testId="model-cache-write-1h-price"
        />
        <TextField
          label="Priority (optional)"
          {...draft.bind('priority')}
          numeric="integer"
          placeholder="100"
          error={errorOf('priority')}
          testId="model-priority"
        />
      </ActionForm>
      {isFieldError(action.error, fieldParams) ? null : <ActionFeedback action={action} testId="model-create" />}
    </Card>
  );
}
