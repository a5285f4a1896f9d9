import { useSyncExternalStore } from 'react';
import {
  getAccessToken,
  refreshAccessToken,
  setAccessToken,
  subscribeToAccessToken,
} from './api-client';
import { userIdFromToken } from './auth-token';

// The signed-in state of the app, derived only from the in-memory access token.
//
// Two things outlive one tab's memory:
// - a hint in localStorage that this browser holds a session (no token, nothing secret), so a
//   page load only tries the silent refresh when there is a refresh cookie to trade: a signed-out
//   visitor gets no failing request;
// - a BroadcastChannel on which ending the session (logout, account deletion) is announced, so
//   every tab of the browser signs out, not just the one where the button was pressed.

/** Why a session ended when the reason changes where the person should go next. */
export type SignOutReason = 'account-deleted' | 'account-locked';

export type Session =
  | { status: 'loading' }
  | { status: 'signed-out'; reason?: SignOutReason; notice?: string }
  | { status: 'signed-in'; userId: number };

/** localStorage key of the hint that this browser holds a session. */
export const SESSION_HINT_KEY = 'friender.has-session';
/** The channel on which tabs of this browser announce that the session ended. */
export const SESSION_CHANNEL = 'friender-session';

type SessionMessage = { type: 'signed-out' };

let restored = false;
let signOutReason: SignOutReason | undefined;
let signOutNotice: string | undefined;
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
  if (!signOutReason) return { status: 'signed-out' };
  return signOutNotice
    ? { status: 'signed-out', reason: signOutReason, notice: signOutNotice }
    : { status: 'signed-out', reason: signOutReason };
}

function update(): void {
  const next = compute();
  const same =
    next.status === snapshot.status &&
    (next.status !== 'signed-in' ||
      (snapshot.status === 'signed-in' && snapshot.userId === next.userId)) &&
    (next.status !== 'signed-out' ||
      (snapshot.status === 'signed-out' && snapshot.reason === next.reason && snapshot.notice === next.notice));
  if (same) return;
  snapshot = next;
  for (const listener of listeners) listener();
}

function rememberSession(held: boolean): void {
  try {
    if (held) localStorage.setItem(SESSION_HINT_KEY, '1');
    else localStorage.removeItem(SESSION_HINT_KEY);
  } catch {
    // Storage disabled (private mode, quotas): the page load just tries the refresh every time.
  }
}

function mayHoldSession(): boolean {
  try {
    return localStorage.getItem(SESSION_HINT_KEY) !== null;
  } catch {
    return true;
  }
}

subscribeToAccessToken((token) => {
  // A new token (login, signup, refresh) starts a fresh session: an old sign-out reason no longer
  // applies. No token (logout, failed refresh, refused token) means no session left to restore.
  if (token) {
    signOutReason = undefined;
    signOutNotice = undefined;
  }
  rememberSession(token !== null);
  update();
});

const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(SESSION_CHANNEL);

if (channel) {
  channel.onmessage = (event: MessageEvent<SessionMessage>) => {
    // Another tab logged out or deleted the account: the shared refresh cookie is gone, so this
    // tab's access token must go too. The layout then sends the person to the login page.
    if (event.data.type === 'signed-out') clearSession();
  };
}

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

/** On page load: trade the refresh cookie for an access token, once, if there may be one. */
export function restoreSession(): Promise<void> {
  if (restored) return Promise.resolve();
  restoring ??= (async () => {
    if (!getAccessToken() && mayHoldSession()) {
      // A refused refresh (cookie missing, expired or revoked): nothing left to restore next time.
      if (!(await refreshAccessToken())) rememberSession(false);
    }
    restored = true;
    update();
  })();
  return restoring;
}

/** After login or signup. A token whose sub is not a user id does not sign anyone in. */
export function startSession(accessToken: string): number | null {
  restored = true;
  signOutReason = undefined;
  signOutNotice = undefined;
  const userId = userIdFromToken(accessToken);
  setAccessToken(userId === null ? null : accessToken);
  update();
  return userId;
}

function clearSession(reason?: SignOutReason, notice?: string): void {
  restored = true;
  signOutReason = reason;
  signOutNotice = notice;
  setAccessToken(null);
  update();
}

/**
 * Forgets the session in this browser, in every tab. `reason` travels with this tab's signed-out
 * state so the app can send the person somewhere other than the login page (after deleting their
 * account: sign-up; after a suspension: the login page showing `notice`); the other tabs go to
 * the login page.
 */
export function endSession(reason?: SignOutReason, notice?: string): void {
  clearSession(reason, notice);
  channel?.postMessage({ type: 'signed-out' } satisfies SessionMessage);
}

/** Test helper: forget everything. */
export function resetSessionForTests(): void {
  restored = false;
  restoring = null;
  signOutReason = undefined;
  signOutNotice = undefined;
  setAccessToken(null);
  rememberSession(false);
  snapshot = { status: 'loading' };
}

/** The signed-in user's id (from the token's sub); only for pages behind the sign-in guard. */
export function useSignedInUserId(): number {
  const session = useSession();
  if (session.status !== 'signed-in') throw new Error('useSignedInUserId outside a signed-in page');
  return session.userId;
}
