import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { meKeys } from '@/lib/query-keys';
import type { Accepted } from '@/types/api';

export type ChangeEmailInput = { password: string; email: string };

/** Asks to switch address: it changes once the link mailed to the new one is followed. */
export function changeEmail(input: ChangeEmailInput): Promise<Accepted> {
  return api.post<Accepted>('/api/me/email', input);
}

export function useChangeEmail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changeEmail,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: meKeys.all }),
  });
}
