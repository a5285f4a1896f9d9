import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { saveBlob } from '@/lib/download';
import type { Hangout } from '@/types/api';

export const calendarFilename = (hangout: Hangout) => `friender-hangout-${hangout.id}.ics`;

/** The accepted hangout's iCalendar file (fetched with the Bearer token, so not a plain link). */
export function downloadCalendar(hangout: Hangout): Promise<Blob> {
  return api.getBlob(`/api/matches/${hangout.match_id}/hangouts/${hangout.id}.ics`);
}

export function useDownloadCalendar() {
  return useMutation({
    mutationFn: downloadCalendar,
    onSuccess: (blob, hangout) => saveBlob(blob, calendarFilename(hangout)),
  });
}
