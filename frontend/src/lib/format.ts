export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const now = new Date();
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

export function displayNameOf(user: { display_name: string | null; username: string }): string {
  return user.display_name?.trim() || user.username;
}

/** A name that closes a sentence, without doubling its own final stop ("Raven C." stays as is). */
export function endSentenceWith(name: string): string {
  return /[.!?…]$/.test(name) ? name : `${name}.`;
}

/** A person's photos in the order they arranged them (the first is their main photo). */
export function photosInOrder<Photo extends { position: number }>(person: { photos: readonly Photo[] }): Photo[] {
  return [...person.photos].sort((a, b) => a.position - b.position);
}

/** "City, ST" from what the person's ZIP resolved to, or '' when it resolved to nothing. */
export function placeOf(person: { city?: string | null; state?: string | null }): string {
  return [person.city, person.state].filter(Boolean).join(', ');
}
