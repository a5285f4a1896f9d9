import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Hangout } from '@/types/api';
import { putHangoutInCache } from './get-hangouts';

export type HangoutAnswer =
  | { action: 'accept'; optionIndex: number }
  | { action: 'decline' }
  | { action: 'cancel' }
  | { action: 'we-met' };

/** Accept one option, decline, cancel, or confirm "we met". */
export function answerHangout({ hangout, answer }: { hangout: Hangout; answer: HangoutAnswer }): Promise<Hangout> {
  const path = `/api/matches/${hangout.match_id}/hangouts/${hangout.id}/${answer.action}`;
  return api.post<Hangout>(path, answer.action === 'accept' ? { option_index: answer.optionIndex } : undefined);
}

export function useAnswerHangout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: answerHangout,
    onSuccess: (hangout) => putHangoutInCache(queryClient, hangout),
  });
}
