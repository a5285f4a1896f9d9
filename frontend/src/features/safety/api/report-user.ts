import { useMutation } from '@tanstack/react-query';
import { apiLimits } from '@/lib/api-limits';
import { api } from '@/lib/api-client';
import type { ReportCategory } from '@/types/api';

export type ReportInput = { user_id: number; category: ReportCategory; reason: string };

export const REPORT_REASON_MAX = apiLimits.ReportRequest.reason.maxLength;

/** The categories a reporter picks from, in the order the dialog lists them. */
export const REPORT_CATEGORIES: { value: ReportCategory; label: string }[] = [
  { value: 'harassment', label: 'Harassment or threats' },
  { value: 'spam', label: 'Spam or scam' },
  { value: 'fake', label: 'Fake profile' },
  { value: 'inappropriate_photo', label: 'Inappropriate photo' },
  { value: 'underage', label: 'Under 18' },
  { value: 'other', label: 'Something else' },
];

export function reportUser(input: ReportInput): Promise<void> {
  return api.post<void>('/api/reports', input);
}

export function useReportUser() {
  return useMutation({ mutationFn: reportUser });
}
