import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Me } from '@/types/api';
import { meQueryKey } from './get-me';

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

export type AgeRangeInput = { age_min: number; age_max: number };

export function updateMe(input: Partial<ProfileInput & AgeRangeInput>): Promise<Me> {
  return api.patch<Me>('/api/me', input);
}

export function useUpdateMe(options: { onSuccess?: (me: Me) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateMe,
    onSuccess: (me) => {
      queryClient.setQueryData(meQueryKey, me);
      // Who we may be shown to (and who is shown to us) depends on the profile.
      void queryClient.invalidateQueries({ queryKey: ['discover'] });
      options.onSuccess?.(me);
    },
  });
}
