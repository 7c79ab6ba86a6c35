// Adds a provider key: provider, secret key, optional name, default flag.
import { type FormEvent, useState } from 'react';
import type { LlmConfig, Provider } from '../api';
import { usePlatform } from '../session/session-context';
import { Field } from '../ui/field';
import type { Action } from '../ui/use-action';

interface LlmConfigFormProps {
  providers: Provider[];
  action: Action;
  onAdded: () => void;
}

export function LlmConfigForm({ providers, action, onAdded }: LlmConfigFormProps) {
  const { client, basePath } = usePlatform();
  const active = providers.filter((provider) => provider.is_active);
  const [providerId, setProviderId] = useState(active[0]?.id ?? '');
  const [apiKey, setApiKey] = useState('');
  const [name, setName] = useState('');
  const [isDefault, setIsDefault] = useState(true);

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void action.run(async () => {
      const provider = providers.find((candidate) => candidate.id === providerId);
      const config = await client.post<LlmConfig>(`${basePath}/llm-configs`, {
        provider_id: providerId,
        api_key: apiKey,
        is_default: isDefault,
        ...(name.trim() ? { name: name.trim() } : {}),
      });
      setApiKey('');
      setName('');
      onAdded();
      return `${provider?.name ?? 'Provider'} key …${config.key_hint ?? ''} added.`;
    });
  };

  return (
    <form className="form-grid form-grid-4" onSubmit={onSubmit} data-testid="llm-config-form">
      <Field label="Provider">
        <select
          className="input"
          value={providerId}
          onChange={(event) => setProviderId(event.target.value)}
          required
          data-testid="llm-config-provider"
        >
          {active.map((provider) => (
            <option key={provider.id} value={provider.id}>
              {provider.name} ({provider.slug})
            </option>
          ))}
        </select>
      </Field>
      <Field label="Provider API key" grow>
        <input
          className="input mono"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="sk-…"
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
          required
          data-testid="llm-config-api-key"
        />
      </Field>
      <Field label="Name (optional)">
        <input
          className="input"
          placeholder="e.g. OpenAI production"
          value={name}
          onChange={(event) => setName(event.target.value)}
          data-testid="llm-config-name"
        />
      </Field>
      <div className="form-actions form-actions-end">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={isDefault}
            onChange={(event) => setIsDefault(event.target.checked)}
            data-testid="llm-config-default"
          />
          Default for this provider
        </label>
        <button type="submit" className="button button-primary" disabled={action.pending || !providerId} data-testid="llm-config-submit">
          {action.pending ? 'Adding…' : 'Add key'}
        </button>
      </div>
    </form>
  );
}
