import type { HangoutOption, PlaceKind } from '@/types/api';

/** Every kind of place, in the order the form offers them (the server's list). */
export const PLACE_KINDS: readonly PlaceKind[] = ['cafe', 'park', 'bar', 'gym', 'museum', 'online', 'other'];

export const PLACE_LABELS: Record<PlaceKind, string> = {
  cafe: 'Café',
  park: 'Park',
  bar: 'Bar',
  gym: 'Gym',
  museum: 'Museum',
  online: 'Online',
  other: 'Another public place',
};

/** "Sat, Dec 5, 3:00 PM – 5:00 PM" in the reader's own time zone. */
export function formatOption(option: HangoutOption): string {
  const start = new Date(option.starts_at);
  const end = new Date(option.ends_at);
  const day = start.toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
  const time = (d: Date) => d.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
  const sameDay = start.toDateString() === end.toDateString();
  return sameDay
    ? `${day}, ${time(start)} – ${time(end)}`
    : `${day}, ${time(start)} – ${end.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}, ${time(end)}`;
}
