import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { AuthResponse } from '@/types/api';

export type LoginInput = {
  /** A username or an email address. */
  username: string;
  password: string;
};

export function login(input: LoginInput): Promise<AuthResponse> {
  return api.post<AuthResponse>('/api/auth/login', input, {
    auth: false,
    credentials: 'include',
  });
}

export function useLogin(options: { onSuccess?: (data: AuthResponse) => void } = {}) {
  return useMutation({ mutationFn: login, onSuccess: options.onSuccess });
}
