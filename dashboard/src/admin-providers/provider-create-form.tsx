// Adds a provider to the catalogue (slug, name, wire format, base URL).
import type { ProviderKind } from '../api';
import { providerKindLabels } from '../format/provider-kind-label';
import { useSession } from '../session/session-context';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Card } from '../ui/card';
import { SelectField } from '../ui/select-field';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';

const kindOptions = (Object.keys(providerKindLabels) as ProviderKind[]).map((kind) => ({ value: kind, label: providerKindLabels[kind] }));

export function ProviderCreateForm({ onCreated }: { onCreated: () => void }) {
  const { api } = useSession();
  const action = useAction();
  const draft = useDraft<{ slug: string; name: string; kind: ProviderKind; baseUrl: string }>({
    slug: '',
    name: '',
    kind: 'openai',
    baseUrl: '',
  });

  const create = async (): Promise<string> => {
    const { slug, name, kind, baseUrl } = draft.values;
    const provider = await api.post('/v1/admin/providers', {
      body: { slug: slug.trim(), name: name.trim(), kind, base_url: baseUrl.trim() },
    });
    draft.set({ slug: '', name: '', baseUrl: '' });
    onCreated();
    return `Provider ${provider.name} added. Add model routes for it under Models & prices.`;
  };

  return (
    <Card title="Add a provider" description="Any OpenAI-compatible server is added with its base URL; keys are added by each platform.">
      <ActionForm
        action={action}
        onSubmit={create}
        className="form-grid form-grid-url"
        actions={<SubmitButton pending={action.pending} label="Add provider" testId="provider-create" />}
      >
        <TextField label="Slug" {...draft.bind('slug')} placeholder="groq" required testId="provider-slug" />
        <TextField label="Name" {...draft.bind('name')} placeholder="Groq" required testId="provider-name" />
        <SelectField label="Wire format" {...draft.bind('kind')} options={kindOptions} testId="provider-kind" />
        <TextField
          label="Base URL"
          {...draft.bind('baseUrl')}
          type="url"
          mono
          placeholder="https://api.groq.com/openai/v1"
          required
          testId="provider-base-url"
        />
      </ActionForm>
      <ActionFeedback action={action} testId="provider-create" />
    </Card>
  );
}
