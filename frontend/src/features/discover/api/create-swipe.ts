import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { DiscoverPage, Match } from '@/types/api';
import { discoverKeys, matchesKeys } from '@/lib/query-keys';

export type SwipeInput = { user_id: number; liked: boolean };

export function createSwipe(input: SwipeInput): Promise<{ match: Match | null }> {
  return api.post<{ match: Match | null }>('/api/swipes', input);
}

/** Removes a decided card from the deck; when the batch runs out, asks the server for more. */
export function dropFromDeck(queryClient: QueryClient, userId: number): void {
  const data = queryClient.getQueryData<DiscoverPage>(discoverKeys.all);
  if (!data) return;
  const users = data.users.filter((user) => user.id !== userId);
  queryClient.setQueryData<DiscoverPage>(discoverKeys.all, { users });
  if (users.length === 0) void queryClient.invalidateQueries({ queryKey: discoverKeys.all });
}

export function useCreateSwipe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createSwipe,
    onSuccess: (data, input) => {
      dropFromDeck(queryClient, input.user_id);
      if (data.match) void queryClient.invalidateQueries({ queryKey: matchesKeys.all });
    },
  });
}
