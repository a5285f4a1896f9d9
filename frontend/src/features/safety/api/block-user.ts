import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export type BlockInput = { user_id: number };

/** Blocks someone: any match ends and neither sees the other again anywhere. */
export function blockUser(input: BlockInput): Promise<void> {
  return api.post<void>('/api/blocks', input);
}

/**
 * `onSuccess` is where the caller makes the person disappear from what it shows (the app
 * composes this with the discover and matches caches; this feature does not know them).
 */
export function useBlockUser(options: { onSuccess?: (input: BlockInput) => void } = {}) {
  return useMutation({
    mutationFn: blockUser,
    onSuccess: (_data, input) => options.onSuccess?.(input),
  });
}
