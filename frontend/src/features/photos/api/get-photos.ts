import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Photo } from '@/types/api';
import { meKeys } from '@/lib/query-keys';

export const MAX_PHOTOS = 6;

export function getMyPhotos(): Promise<{ photos: Photo[] }> {
  return api.get<{ photos: Photo[] }>('/api/me/photos');
}

export function getMyPhotosQueryOptions() {
  return queryOptions({
    queryKey: meKeys.photos,
    queryFn: getMyPhotos,
    select: (data) => [...data.photos].sort((a, b) => a.position - b.position),
  });
}

export function useMyPhotos() {
  return useQuery(getMyPhotosQueryOptions());
}

/** After any change to the photos: keep the list, and the `Me` that embeds it, current. */
export function photosChanged(queryClient: QueryClient, photos?: Photo[]) {
  if (photos) queryClient.setQueryData(meKeys.photos, { photos });
  else void queryClient.invalidateQueries({ queryKey: meKeys.photos });
  void queryClient.invalidateQueries({ queryKey: meKeys.all, exact: true });
}
