import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { createQueryClient } from '@/lib/query-client';
import { getSession, subscribeToSession } from '@/lib/session';

/** Drops every cached server answer when the session ends or another person signs in. */
function useClearCacheOnSessionChange(queryClient: QueryClient) {
  useEffect(() => {
    let previous = getSession();
    return subscribeToSession(() => {
      const next = getSession();
      const signedOut = next.status === 'signed-out' && previous.status === 'signed-in';
      const switched =
        next.status === 'signed-in' && previous.status === 'signed-in' && next.userId !== previous.userId;
      if (signedOut || switched) queryClient.clear();
      previous = next;
    });
  }, [queryClient]);
}

export function AppProvider({
  children,
  queryClient: given,
}: {
  children: ReactNode;
  queryClient?: QueryClient;
}) {
  const [queryClient] = useState(() => given ?? createQueryClient());
  useClearCacheOnSessionChange(queryClient);
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
