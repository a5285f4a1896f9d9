import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { saveBlob } from '@/lib/download';

export const EXPORT_FILENAME = 'friender-export.zip';

/** Everything Friender holds about the signed-in user, as a ZIP (me.json and the photos). */
export function exportData(): Promise<Blob> {
  return api.getBlob('/api/me/export');
}

/** Fetches the export with the Bearer token (a plain link could not send it) and saves it. */
export function useExportData() {
  return useMutation({
    mutationFn: exportData,
    onSuccess: (blob) => saveBlob(blob, EXPORT_FILENAME),
  });
}
