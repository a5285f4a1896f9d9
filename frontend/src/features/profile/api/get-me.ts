import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Me } from '@/types/api';

export const meQueryKey = ['me'] as const;

export function getMe(): Promise<Me> {
  return api.get<Me>('/api/me');
}

export function getMeQueryOptions() {
  return queryOptions({ queryKey: meQueryKey, queryFn: getMe });
}

export function useMe() {
  return useQuery(getMeQueryOptions());
}
