import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export type ChangePasswordInput = { current_password: string; new_password: string };

/** Changes the password; the other sessions are signed out, this one stays. */
export function changePassword(input: ChangePasswordInput): Promise<void> {
  return api.post<void>('/api/me/password', input);
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword });
}
