import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { MyModeration } from '@/types/api';

export const myModerationQueryKey = ['me', 'moderation'] as const;

export function useMyModeration() {
  return useQuery(
    queryOptions({ queryKey: myModerationQueryKey, queryFn: () => api.get<MyModeration>('/api/me/moderation') }),
  );
}

export const APPEAL_TEXT_MAX = 2000;

export function useAppeal() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { action_id: number; text: string }) => api.post<void>('/api/me/appeals', input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: myModerationQueryKey }),
  });
}
