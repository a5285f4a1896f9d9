import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { endSession } from '@/lib/session';

export type DeleteAccountInput = { password: string };

/** Deletes the account and everything in it; the password is asked again on purpose. */
export function deleteAccount(input: DeleteAccountInput): Promise<void> {
  return api.delete<void>('/api/me', input);
}

export function useDeleteAccount() {
  return useMutation({
    mutationFn: deleteAccount,
    // The account is gone: forget the session here (the tokens name a user that no longer
    // exists). The layout sends a signed-out person whose account was deleted to /signup.
    onSuccess: () => endSession('account-deleted'),
  });
}
