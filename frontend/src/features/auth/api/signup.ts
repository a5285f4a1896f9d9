import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { AuthResponse } from '@/types/api';

export type SignupInput = {
  username: string;
  email: string;
  password: string;
  /** ISO date; under 18 is refused. */
  birthdate: string;
  display_name?: string;
};

export function signup(input: SignupInput): Promise<AuthResponse> {
  return api.post<AuthResponse>('/api/auth/signup', input, {
    auth: false,
    credentials: 'include',
  });
}

export function useSignup(options: { onSuccess?: (data: AuthResponse) => void } = {}) {
  return useMutation({ mutationFn: signup, onSuccess: options.onSuccess });
}
