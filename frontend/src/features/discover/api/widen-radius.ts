import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Me } from '@/types/api';
import { discoverKeys, meKeys } from '@/lib/query-keys';

/** Sets a wider friend radius from the empty deck, then loads the people it brings. */
export function widenRadius(radiusMiles: number): Promise<Me> {
  return api.patch<Me>('/api/me', { friend_radius_miles: radiusMiles });
}

export function useWidenRadius() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: widenRadius,
    onSuccess: (me) => {
      queryClient.setQueryData(meKeys.all, me);
      void queryClient.invalidateQueries({ queryKey: discoverKeys.all });
    },
  });
}
