import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { blocksKeys } from '@/lib/query-keys';
import type { BlockedPerson } from '@/types/api';

export function getBlocks(): Promise<{ blocks: BlockedPerson[] }> {
  return api.get('/api/blocks');
}

export function useBlocks() {
  return useQuery(queryOptions({ queryKey: blocksKeys.all, queryFn: getBlocks }));
}

/** Unblocks someone: they reappear in discovery only if neither of you had swiped. */
export function useUnblock() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: number) => api.delete<void>(`/api/blocks/${userId}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: blocksKeys.all }),
  });
}
