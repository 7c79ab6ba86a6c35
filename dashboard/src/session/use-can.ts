// The signed-in session's permission check, for page components.
import { mayCall } from './session';
import { useSession } from './session-context';

/** `can('POST', `${platformRoute}/wallet/topup`)`: whether to show the control that makes that call. */
export function useCan(): (method: string, routePattern: string) => boolean {
  const { session } = useSession();
  return (method, routePattern) => mayCall(session, method, routePattern);
}
