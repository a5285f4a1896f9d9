import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Match } from '@/types/api';
import { matchesKeys } from '@/lib/query-keys';

export function unmatch(matchId: number): Promise<void> {
  return api.delete<void>(`/api/matches/${matchId}`);
}

export function useUnmatch() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: unmatch,
    onSuccess: (_data, matchId) => {
      queryClient.setQueryData<{ matches: Match[] }>(matchesKeys.all, (old) =>
        old ? { matches: old.matches.filter((match) => match.id !== matchId) } : old,
      );
    },
  });
}
