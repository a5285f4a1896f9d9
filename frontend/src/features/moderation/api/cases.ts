import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { moderationKeys } from '@/lib/query-keys';
import type { CaseSummary, ModerationAction, ModerationActionName, ModerationCase, ReportCategory } from '@/types/api';

export function useCases(status: 'open' | 'closed' = 'open') {
  return useQuery(
    queryOptions({
      queryKey: moderationKeys.cases(status),
      queryFn: () => api.get<{ cases: CaseSummary[] }>(`/api/moderation/cases?status=${status}`),
      // Reports and appeals (by mailed links too) reopen cases at any time: fetch on every visit.
      staleTime: 0,
    }),
  );
}

export function useCase(userId: number) {
  return useQuery(
    queryOptions({
      queryKey: moderationKeys.case(userId),
      queryFn: () => api.get<ModerationCase>(`/api/moderation/cases/${userId}`),
      // A moderator decides on what the case holds now, not on what it held half a minute ago.
      staleTime: 0,
    }),
  );
}

export function useAudit() {
  return useQuery(
    queryOptions({
      queryKey: moderationKeys.audit,
      queryFn: () => api.get<{ actions: ModerationAction[] }>('/api/moderation/audit?limit=50'),
    }),
  );
}

export type ActionInput = {
  action: ModerationActionName;
  note: string;
  until?: string;
  photo_id?: number;
  rule?: ReportCategory;
};

/** Decides a case; the queue, the case and the audit log are fetched again. */
export function useTakeAction(userId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ActionInput) =>
      api.post<ModerationAction>(`/api/moderation/cases/${userId}/actions`, input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: moderationKeys.all }),
  });
}
