import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Match } from '@/types/api';
import { matchesKeys } from '@/lib/query-keys';

export function getMatches(): Promise<{ matches: Match[] }> {
  return api.get<{ matches: Match[] }>('/api/matches');
}

export function getMatchesQueryOptions() {
  return queryOptions({ queryKey: matchesKeys.all, queryFn: getMatches });
}

export function useMatches() {
  return useQuery(getMatchesQueryOptions());
}

/** One match out of the list (the API has no single-match endpoint). */
export function useMatch(matchId: number) {
  return useQuery({
    ...getMatchesQueryOptions(),
    select: (data) => data.matches.find((match) => match.id === matchId) ?? null,
  });
}
