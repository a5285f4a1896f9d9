import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Me } from '@/types/api';
import { meKeys } from '@/lib/query-keys';

export function getMe(): Promise<Me> {
  return api.get<Me>('/api/me');
}

export function getMeQueryOptions() {
  return queryOptions({ queryKey: meKeys.all, queryFn: getMe });
}

export function useMe() {
  return useQuery(getMeQueryOptions());
}
