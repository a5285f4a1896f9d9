// The shapes of the HTTP contract (shared/contract/API.md). Shared by every feature.

export type Photo = {
  id: number;
  url: string;
  thumb_url: string;
  width: number;
  height: number;
  blurhash: string | null;
  position: number;
  created_at: string;
};

export type Me = {
  id: number;
  username: string;
  email: string;
  display_name: string | null;
  bio: string | null;
  hobbies: string[];
  interests: string[];
  zip_code: string | null;
  city: string | null;
  state: string | null;
  friend_radius_miles: number | null;
  profile_complete: boolean;
  missing_fields: string[];
  photos: Photo[];
  created_at: string;
  /** Granted by an operator only; shows the moderation pages. */
  is_moderator: boolean;
};

export type Profile = {
  id: number;
  username: string;
  display_name: string | null;
  bio: string | null;
  hobbies: string[];
  interests: string[];
  city: string | null;
  state: string | null;
  photos: Photo[];
  distance_miles?: number;
  shared_interests?: string[];
};

export type Message = {
  id: number;
  match_id: number;
  sender_id: number;
  body: string;
  created_at: string;
  read_at: string | null;
};

export type Match = {
  id: number;
  user: Profile;
  matched_at: string;
  last_message: Message | null;
  unread_count: number;
};

export type AuthResponse = {
  access_token: string;
  refresh_token: string;
  user: Me;
};

export type ReportCategory = 'fake' | 'harassment' | 'spam' | 'underage' | 'inappropriate_photo' | 'other';

export type ModerationActionName =
  | 'dismiss'
  | 'warn'
  | 'remove_photo'
  | 'clear_bio'
  | 'suspend'
  | 'ban'
  | 'restore';

export type BlockedPerson = { user_id: number; username: string; display_name: string | null; blocked_at: string };

export type CaseSummary = {
  user_id: number;
  profile: Profile;
  report_count: number;
  appeal_count: number;
  categories: ReportCategory[];
  opened_at: string;
  hidden: boolean;
  status: 'open' | 'closed';
  suspended_until: string | null;
  banned: boolean;
};

export type ModerationAction = {
  id: number;
  user_id: number | null;
  moderator_id: number | null;
  moderator_username?: string | null;
  action: ModerationActionName;
  rule: ReportCategory;
  note: string;
  until: string | null;
  photo_id: number | null;
  created_at: string;
};

export type CaseReport = {
  id: number;
  reporter_id: number;
  category: ReportCategory;
  reason: string;
  created_at: string;
  handled_at: string | null;
};

export type Appeal = { id: number; action_id: number; text: string; created_at: string; handled_at: string | null };

export type ModerationCase = {
  user_id: number;
  profile: Profile;
  photos: Photo[];
  reports: CaseReport[];
  actions: ModerationAction[];
  appeals: Appeal[];
  messages: {
    report_id: number;
    reporter_id: number;
    messages: { id: number; sender_id: number; body: string; created_at: string }[];
  }[];
  hidden: boolean;
  status: 'open' | 'closed';
  suspended_until: string | null;
  banned: boolean;
};

/** A decision on one's own account, as the person hears of it (never who reported). */
export type ModerationNotice = {
  id: number;
  action: ModerationActionName;
  rule: ReportCategory;
  rule_text: string;
  until: string | null;
  created_at: string;
  appeal: { id: number; text: string; created_at: string; handled_at: string | null } | null;
  can_appeal: boolean;
};

export type MyModeration = {
  actions: ModerationNotice[];
  reports: { id: number; user_id: number; category: ReportCategory; created_at: string; handled: boolean }[];
};
