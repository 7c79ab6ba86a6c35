// How each provider wire format is named on screen.
import type { ProviderKind } from '../api';

export const providerKindLabels: Record<ProviderKind, string> = {
  openai: 'OpenAI-compatible',
  anthropic: 'Anthropic',
  google: 'Google Gemini',
};
