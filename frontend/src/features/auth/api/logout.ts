import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { endSession } from '@/lib/session';

/** Revokes both tokens on the server (the refresh cookie travels with the request). */
export async function logout(): Promise<void> {
  try {
    await api.post<void>('/api/auth/logout', undefined, { credentials: 'include', csrf: true });
  } finally {
    // Even if the server could not be told, this browser forgets the session.
    endSession();
  }
}

export function useLogout() {
  return useMutation({ mutationFn: logout });
}
