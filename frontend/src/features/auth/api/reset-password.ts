import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Accepted } from '@/types/api';

export type ResetPasswordInput = { token: string; password: string };

/** Sets a new password from the mailed link; every earlier session is signed out. */
export function resetPassword(input: ResetPasswordInput): Promise<Accepted> {
  return api.post<Accepted>('/api/auth/password-reset/confirm', input, { auth: false });
}

export function useResetPassword() {
  return useMutation({ mutationFn: resetPassword });
}
