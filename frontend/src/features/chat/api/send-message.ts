import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Message } from '@/types/api';
import { matchesKeys } from '@/lib/query-keys';
import { addMessageToCache } from './get-messages';

export function sendMessage({ matchId, body }: { matchId: number; body: string }): Promise<Message> {
  return api.post<Message>(`/api/matches/${matchId}/messages`, { body });
}

export function useSendMessage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: sendMessage,
    onSuccess: (message) => {
      addMessageToCache(queryClient, message);
      void queryClient.invalidateQueries({ queryKey: matchesKeys.all });
    },
  });
}
