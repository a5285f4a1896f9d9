import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { photosChanged } from './get-photos';

export function deletePhoto(photoId: number): Promise<void> {
  return api.delete<void>(`/api/me/photos/${photoId}`);
}

export function useDeletePhoto() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deletePhoto,
    onSettled: () => photosChanged(queryClient),
  });
}
