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
  /** How many different people confirmed meeting them through Friender. */
  met_count?: number;
  /** From the accounts contract: shown when the server sends it. */
  age?: number | null;
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

export type WiderReach = { radius_miles: number; count: number };

export type DiscoverPage = { users: Profile[]; wider?: WiderReach[] };

export const PLACE_KINDS = ['cafe', 'park', 'bar', 'gym', 'museum', 'online', 'other'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export type HangoutOption = { starts_at: string; ends_at: string };

export type Hangout = {
  id: number;
  match_id: number;
  proposer_id: number;
  activity: string;
  options: HangoutOption[];
  place_kind: PlaceKind;
  note: string;
  status: 'proposed' | 'accepted' | 'declined' | 'cancelled';
  accepted_option: number | null;
  created_at: string;
  /** The viewer said "we met". */
  met_confirmed: boolean;
  /** Both members said "we met". */
  met: boolean;
};

export type TypingSignal = { match_id: number; user_id: number };
