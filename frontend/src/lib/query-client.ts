import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-client';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // Client errors (404, 409 profile_incomplete…) will not change on a retry.
        retry: (failureCount, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) &&
          failureCount < 2,
      },
      mutations: { retry: false },
    },
  });
}

/**
 * Applies a change the app learned of (an event pushed by the server, or its own mutation's
 * answer) to a cached query. A fetch of that query already in flight may have read the server
 * before the change and would replace it when it lands, so the change is applied again then:
 * `update` must be idempotent (replace by id, never append twice).
 */
export function applyToCachedQuery<T>(
  queryClient: QueryClient,
  queryKey: readonly unknown[],
  update: (old: T) => T,
): void {
  const apply = () => queryClient.setQueryData<T>(queryKey, (old) => (old === undefined ? old : update(old)));
  apply();
  const cache = queryClient.getQueryCache();
  const query = cache.find({ queryKey, exact: true });
  if (query?.state.fetchStatus !== 'fetching') return;
  const unsubscribe = cache.subscribe((event) => {
    if (event.query !== query) return;
    if (event.type === 'removed' || query.state.fetchStatus !== 'fetching') {
      unsubscribe();
      if (event.type !== 'removed') apply();
    }
  });
}
