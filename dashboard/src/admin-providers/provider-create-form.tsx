// Adds a provider to the catalogue (slug, name, wire format, base URL).
import { type FormEvent, useState } from 'react';
import type { Provider, ProviderKind } from '../api';
import { useSession } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { Card } from '../ui/card';
import { Field } from '../ui/field';
import { useAction } from '../ui/use-action';

export function ProviderCreateForm({ onCreated }: { onCreated: () => void }) {
  const { client } = useSession();
  const action = useAction();
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<ProviderKind>('openai');
  const [baseUrl, setBaseUrl] = useState('');

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void action.run(async () => {
      const provider = await client.post<Provider>('/v1/admin/providers', {
        slug: slug.trim(),
        name: name.trim(),
        kind,
        base_url: baseUrl.trim(),
      });
      setSlug('');
      setName('');
      setBaseUrl('');
      onCreated();
      return `Provider ${provider.name} added. Add model routes for it under Models & prices.`;
    });
  };

  return (
    <Card title="Add a provider">
      <form className="form-grid form-grid-url" onSubmit={onSubmit}>
        <Field label="Slug">
          <input
            className="input"
            placeholder="groq"
            value={slug}
            onChange={(event) => setSlug(event.target.value)}
            required
            data-testid="provider-slug"
          />
        </Field>
        <Field label="Name">
          <input
            className="input"
            placeholder="Groq"
            value={name}
            onChange={(event) => setName(event.target.value)}
            required
            data-testid="provider-name"
          />
        </Field>
        <Field label="Wire format">
          <select
            className="input"
            value={kind}
            onChange={(event) => setKind(event.target.value as ProviderKind)}
            data-testid="provider-kind"
          >
            <option value="openai">OpenAI-compatible</option>
            <option value="anthropic">Anthropic</option>
            <option value="google">Google Gemini</option>
          </select>
        </Field>
        <Field label="Base URL">
          <input
            className="input mono"
            type="url"
            placeholder="https://api.groq.com/openai/v1"
            value={baseUrl}
            onChange={(event) => setBaseUrl(event.target.value)}
            required
            data-testid="provider-base-url"
          />
        </Field>
        <div className="form-actions form-actions-end">
          <button type="submit" className="button button-primary" disabled={action.pending} data-testid="provider-create">
            Add provider
          </button>
        </div>
      </form>
      <ActionFeedback action={action} testId="provider-create" />
    </Card>
  );
}
