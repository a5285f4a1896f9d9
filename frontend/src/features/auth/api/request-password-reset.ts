import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Accepted } from '@/types/api';

export type PasswordResetRequestInput = { email: string };

/** Asks for a reset link; the answer is the same whether or not the address has an account. */
export function requestPasswordReset(input: PasswordResetRequestInput): Promise<Accepted> {
  return api.post<Accepted>('/api/auth/password-reset', input, { auth: false });
}

export function useRequestPasswordReset() {
  return useMutation({ mutationFn: requestPasswordReset });
}
