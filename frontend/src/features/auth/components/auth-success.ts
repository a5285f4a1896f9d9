import { startSession } from '@/lib/session';
import type { AuthResponse, Me } from '@/types/api';

/** Starts the session from the new access token; false when its `sub` is not a user id. */
export function completeAuthentication(
  data: AuthResponse,
  onAuthenticated?: (user: Me) => void,
): boolean {
  onAuthenticated?.(data.user);
  return startSession(data.access_token) !== null;
}
