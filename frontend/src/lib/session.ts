import { useSyncExternalStore } from 'react';
import {
  getAccessToken,
  refreshAccessToken,
  setAccessToken,
  subscribeToAccessToken,
} from './api-client';
import { userIdFromToken } from './auth-token';

// The signed-in state of the app, derived only from the in-memory access token.

/** Why a session ended when the reason changes where the person should go next. */
export type SignOutReason = 'account-deleted';

export type Session =
  | { status: 'loading' }
  | { status: 'signed-out'; reason?: SignOutReason }
  | { status: 'signed-in'; userId: number };

let restored = false;
let signOutReason: SignOutReason | undefined;
let restoring: Promise<void> | null = null;
let snapshot: Session = { status: 'loading' };
const listeners = new Set<() => void>();

function compute(): Session {
  const token = getAccessToken();
  if (token) {
    const userId = userIdFromToken(token);
    if (userId !== null) return { status: 'signed-in', userId };
    return { status: 'signed-out' };
  }
  if (!restored) return { status: 'loading' };
  return signOutReason ? { status: 'signed-out', reason: signOutReason } : { status: 'signed-out' };
}

function update(): void {
  const next = compute();
  const same =
    next.status === snapshot.status &&
    (next.status !== 'signed-in' ||
      (snapshot.status === 'signed-in' && snapshot.userId === next.userId)) &&
    (next.status !== 'signed-out' || (snapshot.status === 'signed-out' && snapshot.reason === next.reason));
  if (same) return;
  snapshot = next;
  for (const listener of listeners) listener();
}

subscribeToAccessToken((token) => {
  // A new token (login, refresh) starts a fresh session: an old sign-out reason no longer applies.
  if (token) signOutReason = undefined;
  update();
});

export function getSession(): Session {
  return snapshot;
}

export function subscribeToSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useSession(): Session {
  return useSyncExternalStore(subscribeToSession, getSession, getSession);
}

/** On page load: trade the refresh cookie for an access token, once. */
export function restoreSession(): Promise<void> {
  if (restored) return Promise.resolve();
  restoring ??= (async () => {
    if (!getAccessToken()) await refreshAccessToken();
    restored = true;
    update();
  })();
  return restoring;
}

/** After login or signup. A token whose sub is not a user id does not sign anyone in. */
export function startSession(accessToken: string): number | null {
  restored = true;
  signOutReason = undefined;
  const userId = userIdFromToken(accessToken);
  setAccessToken(userId === null ? null : accessToken);
  update();
  return userId;
}

/**
 * Forgets the session in this browser. `reason` travels with the signed-out state so the app can
 * send the person somewhere other than the login page (after deleting their account: sign-up).
 */
export function endSession(reason?: SignOutReason): void {
  restored = true;
  signOutReason = reason;
  setAccessToken(null);
  update();
}

/** Test helper: forget everything. */
export function resetSessionForTests(): void {
  restored = false;
  restoring = null;
  signOutReason = undefined;
  setAccessToken(null);
  snapshot = { status: 'loading' };
}

/** The signed-in user's id (from the token's sub); only for pages behind the sign-in guard. */
export function useSignedInUserId(): number {
  const session = useSession();
  if (session.status !== 'signed-in') throw new Error('useSignedInUserId outside a signed-in page');
  return session.userId;
}
