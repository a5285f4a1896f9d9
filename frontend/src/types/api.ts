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
  /** ISO date; only ever in the signed-in person's own Me. */
  birthdate: string | null;
  age: number | null;
  /** The ages this person wants to meet (18–99); discovery applies it both ways. */
  age_min: number;
  age_max: number;
  email_verified: boolean;
  /** An address waiting for its verification link to be followed. */
  pending_email: string | null;
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
  /** Whole years; the birthdate is never shown to others. */
  age?: number | null;
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

/** The answer of a request the server took in (a mail on its way, a password set). */
export type Accepted = {
  message: string;
};
