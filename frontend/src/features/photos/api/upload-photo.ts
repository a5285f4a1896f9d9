import { useMutation, useQueryClient } from '@tanstack/react-query';
import { upload, type UploadProgress } from '@/lib/upload';
import type { Photo } from '@/types/api';
import { photosChanged } from './get-photos';

export const ACCEPTED_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export type UploadPhotoInput = {
  file: File;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
};

/** One multipart POST per file so each file gets its own progress bar. */
export function uploadPhoto({ file, onProgress, signal }: UploadPhotoInput): Promise<{ photos: Photo[] }> {
  const form = new FormData();
  form.append('file', file, file.name);
  return upload<{ photos: Photo[] }>('/api/me/photos', form, { onProgress, signal });
}

export function useUploadPhoto() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: uploadPhoto,
    onSettled: () => photosChanged(queryClient),
  });
}
