import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';
import { api } from '@/lib/api-client';
import { typingKeys } from '@/lib/query-keys';
import type { TypingSignal } from '@/types/api';

/** How long "… is typing" stays up after the last signal. */
export const TYPING_SHOWN_MS = 5000;
/** While someone types, the server hears of it at most this often. */
export const TYPING_SEND_EVERY_MS = 3000;

export type TypingState = { user_id: number; at: number } | null;

/** Tells the other member we are typing; nothing is stored, so a failure is not worth showing. */
export function sendTyping(matchId: number): Promise<void> {
  return api.post<void>(`/api/matches/${matchId}/typing`).catch(() => undefined);
}

/** Records a `typing` event (or clears it, with null, when their message arrives). */
export function setTyping(queryClient: QueryClient, matchId: number, signal: TypingSignal | null): void {
  const state: TypingState = signal ? { user_id: signal.user_id, at: Date.now() } : null;
  queryClient.setQueryData<TypingState>(typingKeys.match(matchId), state);
}

/**
 * The latest typing signal of a match. It lives in the query cache but is never fetched (the
 * event stream writes it), so it is read straight from the cache rather than through a query.
 */
export function useTypingState(matchId: number): TypingState {
  const queryClient = useQueryClient();
  const subscribe = useCallback((onChange: () => void) => queryClient.getQueryCache().subscribe(onChange), [queryClient]);
  return useSyncExternalStore(subscribe, () => queryClient.getQueryData<TypingState>(typingKeys.match(matchId)) ?? null);
}
