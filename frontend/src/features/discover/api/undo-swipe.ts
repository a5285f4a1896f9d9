import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { DiscoverPage, Profile } from '@/types/api';
import { discoverKeys } from '@/lib/query-keys';

/** Takes back the latest decision (within 5 minutes, if it made no match). */
export function undoSwipe(): Promise<{ user_id: number }> {
  return api.post<{ user_id: number }>('/api/swipes/undo');
}

/** Undo, then put the person back on top of the deck. */
export function useUndoSwipe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (_profile: Profile) => undoSwipe(),
    onSuccess: (result, profile) => {
      if (result.user_id !== profile.id) {
        // The latest decision was another one (made in another tab): ask the server for the deck.
        void queryClient.invalidateQueries({ queryKey: discoverKeys.all });
        return;
      }
      queryClient.setQueryData<DiscoverPage>(discoverKeys.all, (old) => ({
        users: [profile, ...(old?.users ?? []).filter((user) => user.id !== profile.id)],
      }));
    },
  });
}
