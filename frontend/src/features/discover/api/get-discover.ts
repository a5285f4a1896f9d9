import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { DiscoverPage } from '@/types/api';
import { discoverKeys } from '@/lib/query-keys';

export function getDiscover(limit = 20): Promise<DiscoverPage> {
  return api.get<DiscoverPage>('/api/discover', { params: { limit } });
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
