import { useMutation, useQueryClient } from '@tanstack/react-query';
import { upload, type UploadProgress } from '@/lib/upload';
import type { Photo } from '@/types/api';
import { photosChanged } from './get-photos';

export type ArchiveResult = { photos: Photo[]; skipped: { name: string; reason: string }[] };

export function uploadArchive({
  file,
  onProgress,
}: {
  file: File;
  onProgress?: (progress: UploadProgress) => void;
}): Promise<ArchiveResult> {
  const form = new FormData();
  form.append('archive', file, file.name);
  return upload<ArchiveResult>('/api/me/photos/archive', form, { onProgress });
}

export function useUploadArchive() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: uploadArchive,
    onSettled: () => photosChanged(queryClient),
  });
}
