import { useMutation } from '@tanstack/react-query';
import { apiLimits } from '@/lib/api-limits';
import { api } from '@/lib/api-client';

export type ReportInput = { user_id: number; reason: string };

export const REPORT_REASON_MAX = apiLimits.ReportRequest.reason.maxLength;

export function reportUser(input: ReportInput): Promise<void> {
  return api.post<void>('/api/reports', input);
}

export function useReportUser() {
  return useMutation({ mutationFn: reportUser });
}
