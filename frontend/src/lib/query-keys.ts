// Every TanStack Query key, one factory per feature. A feature refreshes another's data after a
// change of its own (a swipe that matched, a sent message, a saved profile) without importing
// that feature: both name the key from here, so a key is spelled exactly once.
//
// Keys nest: invalidating `messagesKeys.all` also refreshes every `messagesKeys.match(id)`, and
// `meKeys.photos` lives under `meKeys.all` (pass `exact: true` to touch `Me` alone).

export const meKeys = {
  all: ['me'] as const,
  photos: ['me', 'photos'] as const,
  /** Decisions on one's own account and the reports one made. */
  moderation: ['me', 'moderation'] as const,
};

export const blocksKeys = {
  all: ['blocks'] as const,
};

export const moderationKeys = {
  all: ['moderation'] as const,
  cases: (status: string) => ['moderation', 'cases', status] as const,
  case: (userId: number) => ['moderation', 'case', userId] as const,
  audit: ['moderation', 'audit'] as const,
  /** The decision a mailed appeal link names (no session: the token is the credential). */
  appealLink: (token: string) => ['moderation', 'appeal-link', token] as const,
};

export const discoverKeys = {
  all: ['discover'] as const,
};

export const matchesKeys = {
  all: ['matches'] as const,
};

export const messagesKeys = {
  all: ['messages'] as const,
  match: (matchId: number) => ['messages', matchId] as const,
};

export const hangoutsKeys = {
  all: ['hangouts'] as const,
  match: (matchId: number) => ['hangouts', matchId] as const,
};

/** Never fetched: the event stream writes the latest typing signal of a match here. */
export const typingKeys = {
  match: (matchId: number) => ['typing', matchId] as const,
};
