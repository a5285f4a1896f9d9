import type { Hangout, Me, Profile } from '@/types/api';

export function buildMe(overrides: Partial<Me> = {}): Me {
  return {
    id: 42,
    username: 'alice',
    email: 'alice@example.com',
    display_name: null,
    bio: '',
    hobbies: [],
    interests: [],
    zip_code: null,
    city: null,
    state: null,
    friend_radius_miles: null,
    birthdate: '1990-05-15',
    age: 36,
    age_min: 18,
    age_max: 99,
    email_verified: true,
    pending_email: null,
    profile_complete: false,
    missing_fields: ['display_name', 'hobbies', 'interests', 'zip_code'],
    photos: [],
    created_at: '2026-01-01T00:00:00Z',
    is_moderator: false,
    ...overrides,
  };
}

/** Alice with every required profile field filled in (hobbies: hiking). */
export function buildCompleteMe(overrides: Partial<Me> = {}): Me {
  return buildMe({
    display_name: 'Alice',
    hobbies: ['hiking'],
    interests: ['jazz'],
    zip_code: '10001',
    city: 'New York',
    state: 'NY',
    friend_radius_miles: 25,
    profile_complete: true,
    missing_fields: [],
    ...overrides,
  });
}

export function buildProfile(overrides: Partial<Profile> = {}): Profile {
  return {
    id: 7,
    username: 'bob',
    display_name: 'Bob',
    bio: 'Board games and long walks.',
    hobbies: ['hiking', 'chess'],
    interests: ['jazz'],
    city: 'New York',
    state: 'NY',
    photos: [],
    distance_miles: 2,
    shared_interests: ['hiking'],
    met_count: 0,
    ...overrides,
  };
}

/** A plan Bob (7) proposed to Alice (42): two times in December 2099, at a park. */
export function buildHangout(overrides: Partial<Hangout> = {}): Hangout {
  return {
    id: 11,
    match_id: 3,
    proposer_id: 7,
    activity: 'Hiking',
    options: [
      { starts_at: '2099-12-05T15:00:00Z', ends_at: '2099-12-05T17:00:00Z' },
      { starts_at: '2099-12-06T15:00:00Z', ends_at: '2099-12-06T17:00:00Z' },
    ],
    place_kind: 'park',
    note: 'Main entrance',
    status: 'proposed',
    accepted_option: null,
    created_at: '2099-12-01T10:00:00Z',
    met_confirmed: false,
    met: false,
    ...overrides,
  };
}
