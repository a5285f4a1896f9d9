import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { meKeys } from '@/lib/query-keys';
import type { Me } from '@/types/api';

export type VerifyEmailInput = { token: string };

/** Follows a mailed verification link; works signed in or not (the token names the account). */
export function verifyEmail(input: VerifyEmailInput): Promise<Me> {
  return api.post<Me>('/api/auth/verify-email', input, { auth: false });
}

export function useVerifyEmail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: verifyEmail,
    // A signed-in person's banner and discovery change at once.
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: meKeys.all }),
  });
}
