import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { moderationKeys } from '@/lib/query-keys';
import type { Appeal, ModerationNotice } from '@/types/api';

const appealLinkUrl = (token: string) => `/api/appeals/${encodeURIComponent(token)}`;

/** The decision a mailed appeal link names; works signed out (a banned person cannot sign in). */
export function useAppealLink(token: string) {
  return useQuery(
    queryOptions({
      queryKey: moderationKeys.appealLink(token),
      queryFn: () => api.get<ModerationNotice>(appealLinkUrl(token), { auth: false }),
      // A used or expired link stays so: asking again changes nothing.
      retry: false,
    }),
  );
}

/** Sends the one appeal the link allows; the link is spent. */
export function useAppealByLink(token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => api.post<Appeal>(appealLinkUrl(token), { text }, { auth: false }),
    onSuccess: () => queryClient.removeQueries({ queryKey: moderationKeys.appealLink(token) }),
  });
}
