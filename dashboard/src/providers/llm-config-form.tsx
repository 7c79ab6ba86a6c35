// Adds a provider key: provider, secret key, optional name, default flag.
import type { Provider } from '../api';
import { usePlatform } from '../session/session-context';
import { ActionForm } from '../ui/action-form';
import { SelectField } from '../ui/select-field';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import type { Action } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

interface LlmConfigFormProps {
  providers: Provider[];
  action: Action;
  onAdded: () => void;
}

export function LlmConfigForm({ providers, action, onAdded }: LlmConfigFormProps) {
  const { api } = usePlatform();
  const active = providers.filter((provider) => provider.is_active);
  const draft = useDraft({ providerId: active[0]?.id ?? '', apiKey: '', name: '', isDefault: true });
  const { providerId, apiKey, name, isDefault } = draft.values;

  const add = async (): Promise<string> => {
    const provider = providers.find((candidate) => candidate.id === providerId);
    const config = await api.post('/llm-configs', {
      body: { provider_id: providerId, api_key: apiKey, is_default: isDefault, ...(name.trim() ? { name: name.trim() } : {}) },
    });
    draft.set({ apiKey: '', name: '' });
    onAdded();
    return `${provider?.name ?? 'Provider'} key …${config.key_hint ?? ''} added.`;
  };

  return (
    <ActionForm
      action={action}
      onSubmit={add}
      className="form-grid form-grid-4"
      testId="llm-config-form"
      actions={
        <>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={isDefault}
              onChange={(event) => draft.set({ isDefault: event.target.checked })}
              data-testid="llm-config-default"
            />
            Default for this provider
          </label>
          <SubmitButton pending={action.pending} disabled={!providerId} label="Add key" pendingLabel="Adding…" testId="llm-config-submit" />
        </>
      }
    >
      <SelectField
        label="Provider"
        {...draft.bind('providerId')}
        options={active.map((provider) => ({ value: provider.id, label: `${provider.name} (${provider.slug})` }))}
        required
        testId="llm-config-provider"
      />
      <TextField label="Provider API key" {...draft.bind('apiKey')} secret placeholder="sk-…" required testId="llm-config-api-key" />
      <TextField label="Name (optional)" {...draft.bind('name')} placeholder="e.g. OpenAI production" testId="llm-config-name" />
    </ActionForm>
  );
}
