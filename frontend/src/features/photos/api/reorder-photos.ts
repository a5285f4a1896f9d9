import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Photo } from '@/types/api';
import { meKeys } from '@/lib/query-keys';
import { photosChanged } from './get-photos';

export function reorderPhotos(photoIds: number[]): Promise<{ photos: Photo[] }> {
  return api.put<{ photos: Photo[] }>('/api/me/photos/order', { photo_ids: photoIds });
}

export function useReorderPhotos() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: reorderPhotos,
    // Show the new order at once; roll back if the server refuses it.
    onMutate: async (photoIds) => {
      await queryClient.cancelQueries({ queryKey: meKeys.photos });
      const previous = queryClient.getQueryData<{ photos: Photo[] }>(meKeys.photos);
      if (previous) {
        const byId = new Map(previous.photos.map((photo) => [photo.id, photo]));
        const photos = photoIds
          .map((id, position) => {
            const photo = byId.get(id);
            return photo ? { ...photo, position } : null;
          })
          .filter((photo): photo is Photo => photo !== null);
        queryClient.setQueryData(meKeys.photos, { photos });
      }
      return { previous };
    },
    onError: (_error, _ids, context) => {
      if (context?.previous) queryClient.setQueryData(meKeys.photos, context.previous);
    },
    onSuccess: (data) => photosChanged(queryClient, data.photos),
  });
}
