import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Accepted } from '@/types/api';

/** Mails a new verification link to the address that still needs confirming. */
export function resendVerification(): Promise<Accepted> {
  return api.post<Accepted>('/api/auth/verify-email/resend');
}

export function useResendVerification() {
  return useMutation({ mutationFn: resendVerification });
}
