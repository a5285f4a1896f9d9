import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Me, ProfileUpdate } from '@/types/api';
import { discoverKeys, meKeys } from '@/lib/query-keys';

/** The profile form's values: every field of the PATCH body, filled or empty. */
export type ProfileInput = {
  display_name: string;
  bio: string;
  hobbies: string[];
  interests: string[];
  zip_code: string;
  friend_radius_miles: number;
  /** ISO date; asked of accounts made before birthdates were required. */
  birthdate: string;
};

export function updateMe(input: ProfileUpdate): Promise<Me> {
  return api.patch<Me>('/api/me', input);
}

export function useUpdateMe(options: { onSuccess?: (me: Me) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateMe,
    onSuccess: (me) => {
      queryClient.setQueryData(meKeys.all, me);
      // Who we may be shown to (and who is shown to us) depends on the profile.
      void queryClient.invalidateQueries({ queryKey: discoverKeys.all });
      options.onSuccess?.(me);
    },
  });
}
