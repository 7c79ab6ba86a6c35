// The platform's API for the Webhooks page's parts (routes under `/webhooks`, typed by path).
import type { PlatformApi } from '../api';
import { usePlatform } from '../session/session-context';

export function useWebhooksApi(): { api: PlatformApi } {
  const { api } = usePlatform();
  return { api };
}
