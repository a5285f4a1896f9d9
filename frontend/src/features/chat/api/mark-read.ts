import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { matchesKeys } from '@/lib/query-keys';

export function markRead(matchId: number): Promise<void> {
  return api.post<void>(`/api/matches/${matchId}/read`);
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: markRead,
    // The unread badge in the matches list comes from the server.
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: matchesKeys.all }),
  });
}
