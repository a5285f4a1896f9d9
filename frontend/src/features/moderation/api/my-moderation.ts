import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { apiLimits } from '@/lib/api-limits';
import { meKeys } from '@/lib/query-keys';
import type { MyModeration } from '@/types/api';

export function useMyModeration() {
  return useQuery(
    queryOptions({ queryKey: meKeys.moderation, queryFn: () => api.get<MyModeration>('/api/me/moderation') }),
  );
}

export const APPEAL_TEXT_MAX = apiLimits.AppealRequest.text.maxLength;

export function useAppeal() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { action_id: number; text: string }) => api.post<void>('/api/me/appeals', input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: meKeys.moderation }),
  });
}
