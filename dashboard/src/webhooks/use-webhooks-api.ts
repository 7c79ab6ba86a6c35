// The API client and the platform's `/webhooks` path, for the Webhooks page's parts.
import { usePlatform } from '../session/session-context';

export function useWebhooksApi(): { client: ReturnType<typeof usePlatform>['client']; base: string } {
  const { client, basePath } = usePlatform();
  return { client, base: `${basePath}/webhooks` };
}
