import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Hangout, HangoutOption, PlaceKind } from '@/types/api';
import { putHangoutInCache } from './get-hangouts';

export type HangoutInput = {
  activity: string;
  options: HangoutOption[];
  place_kind: PlaceKind;
  note?: string;
};

export function proposeHangout({ matchId, ...input }: HangoutInput & { matchId: number }): Promise<Hangout> {
  return api.post<Hangout>(`/api/matches/${matchId}/hangouts`, input);
}

export function useProposeHangout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: proposeHangout,
    onSuccess: (hangout) => putHangoutInCache(queryClient, hangout),
  });
}
