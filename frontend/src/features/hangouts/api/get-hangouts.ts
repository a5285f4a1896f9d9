import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { applyToCachedQuery } from '@/lib/query-client';
import { hangoutsKeys } from '@/lib/query-keys';
import type { Hangout } from '@/types/api';

export function getHangouts(matchId: number): Promise<{ hangouts: Hangout[] }> {
  return api.get<{ hangouts: Hangout[] }>(`/api/matches/${matchId}/hangouts`);
}

export function getHangoutsQueryOptions(matchId: number) {
  return queryOptions({
    queryKey: hangoutsKeys.match(matchId),
    queryFn: () => getHangouts(matchId),
    // `hangout` events keep it current while the stream is up; opening the chat again re-checks.
    staleTime: 30_000,
  });
}

export function useHangouts(matchId: number) {
  return useQuery(getHangoutsQueryOptions(matchId));
}

/**
 * Puts a hangout (our own answer, or a `hangout` event) into its match's list, newest first.
 * The event carries the receiving member's own "we met" state, so it replaces what was cached.
 */
export function putHangoutInCache(queryClient: QueryClient, hangout: Hangout): void {
  applyToCachedQuery<{ hangouts: Hangout[] }>(queryClient, hangoutsKeys.match(hangout.match_id), (old) => {
    const others = old.hangouts.filter((h) => h.id !== hangout.id);
    return { hangouts: [...others, hangout].sort((a, b) => b.id - a.id) };
  });
}
