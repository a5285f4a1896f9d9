import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Profile } from '@/types/api';
import { discoverKeys } from '@/lib/query-keys';

export function getDiscover(limit = 20): Promise<{ users: Profile[] }> {
  return api.get<{ users: Profile[] }>('/api/discover', { params: { limit } });
}

export function getDiscoverQueryOptions(limit = 20) {
  return queryOptions({
    queryKey: discoverKeys.all,
    queryFn: () => getDiscover(limit),
    staleTime: 5 * 60_000,
  });
}

export function useDiscover() {
  return useQuery(getDiscoverQueryOptions());
}
