import type { ModerationActionName, ReportCategory } from '@/types/api';

export const ACTION_LABELS: Record<ModerationActionName, string> = {
  dismiss: 'Dismiss',
  warn: 'Warn',
  remove_photo: 'Remove photo',
  clear_bio: 'Clear bio',
  suspend: 'Suspend',
  ban: 'Ban',
  restore: 'Restore',
};

/** What the person reads about a decision on their account. */
export const NOTICE_TITLES: Record<ModerationActionName, string> = {
  dismiss: 'No action was taken',
  warn: 'You received a warning',
  remove_photo: 'A photo of yours was removed',
  clear_bio: 'Your bio was cleared',
  suspend: 'Your account is suspended',
  ban: 'Your account is banned',
  restore: 'Your account was restored',
};

export const CATEGORY_LABELS: Record<ReportCategory, string> = {
  fake: 'Fake profile',
  harassment: 'Harassment',
  spam: 'Spam',
  underage: 'Under 18',
  inappropriate_photo: 'Inappropriate photo',
  other: 'Other',
};
