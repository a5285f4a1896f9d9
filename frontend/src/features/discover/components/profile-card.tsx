import { useEffect, useState, type ReactNode, type Ref } from 'react';
import { Button } from '@/components/ui/button';
import { MetCount } from '@/components/ui/met-count';
import { PhotoImage } from '@/components/ui/photo-image';
import { TagGroup } from '@/components/ui/tag-group';
import { displayNameOf, photosInOrder, placeOf } from '@/lib/format';
import type { Profile } from '@/types/api';
import { useDragDecision } from '../hooks/use-drag-decision';

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target.tagName === 'INPUT' ||
    target.tagName === 'TEXTAREA' ||
    target.tagName === 'SELECT'
  );
}

/** True while a menu or a modal dialog owns the keyboard (its arrows are not swipes). */
function keyboardOwnedElsewhere(target: EventTarget | null): boolean {
  if (target instanceof Element && target.closest('[role="menu"], [role="dialog"]')) return true;
  return typeof document !== 'undefined' && document.querySelector('[aria-modal="true"]') !== null;
}

/**
 * The ← / → shortcuts: → says yes, ← says no. Ignored while typing in a field, with a modifier
 * key held (browser back/forward), or while `enabled` is false (a swipe in flight, a dialog open).
 */
export function useSwipeKeys(enabled: boolean, onDecide: (liked: boolean) => void) {
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat) return;
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (isTypingTarget(event.target) || keyboardOwnedElsewhere(event.target)) return;
      if (event.key === 'ArrowRight') {
        event.preventDefault();
        onDecide(true);
      } else if (event.key === 'ArrowLeft') {
        event.preventDefault();
        onDecide(false);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled, onDecide]);
}

/** On the photo: the first few shared tags, and how many more the lists below hold. */
const SHARED_ON_PHOTO = 3;

function SharedTags({ tags }: { tags: string[] }) {
  if (tags.length === 0) return null;
  const shown = tags.slice(0, SHARED_ON_PHOTO);
  const more = tags.length - shown.length;
  return (
    <div className="card-shared">
      <span className="card-shared-title">
        You both like {tags.length} {tags.length === 1 ? 'thing' : 'things'}
      </span>
      <ul className="tag-list" aria-label="Shared interests">
        {shown.map((tag) => (
          <li key={tag} className="tag tag-shared" dir="auto">
            {tag}
          </li>
        ))}
        {more > 0 && <li className="tag tag-more">+{more} more</li>}
      </ul>
    </div>
  );
}

export function ProfileCard({
  profile,
  onDecide,
  disabled = false,
  keyboard = true,
  menu,
  ref,
}: {
  profile: Profile;
  onDecide: (liked: boolean) => void;
  disabled?: boolean;
  /** Whether ← / → decide; off while something else (a dialog) owns the keyboard. */
  keyboard?: boolean;
  /** Actions about this person (the "More" menu: report, block), next to the name. */
  menu?: ReactNode;
  /** The card itself, which can take focus (see DiscoverDeck). */
  ref?: Ref<HTMLElement>;
}) {
  // DiscoverDeck keys the card by the person's id, so each person starts at their first photo.
  const [photoIndex, setPhotoIndex] = useState(0);
  useSwipeKeys(keyboard && !disabled, onDecide);
  const drag = useDragDecision(onDecide, disabled);

  const name = displayNameOf(profile);
  const sharedInterests = profile.shared_interests ?? [];
  const shared = new Set(sharedInterests.map((tag) => tag.toLowerCase()));
  const photos = photosInOrder(profile);
  const photo = photos[Math.min(photoIndex, photos.length - 1)];
  const place = placeOf(profile);
  // What you have in common, in this person's own spelling, hobbies first.
  const seen = new Set<string>();
  const sharedTags = [...profile.hobbies, ...profile.interests].filter((tag) => {
    const key = tag.toLowerCase();
    if (!shared.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });

  return (
    <article
      ref={ref}
      tabIndex={-1}
      className={`profile-card${drag.dragging ? ' dragging' : ''}`}
      aria-labelledby={`profile-${profile.id}-name`}
      style={drag.style}
      {...drag.handlers}
    >
      {/* The hero: the photo fills the card and the name, distance and what you share sit on it,
          so one phone screen shows the person and the Yes / No below without scrolling. */}
      <div className="card-hero">
        {drag.intent && (
          <span className={`card-intent card-intent-${drag.intent}`} aria-hidden="true">
            {drag.intent === 'yes' ? 'Yes' : 'No'}
          </span>
        )}
        {photo ? (
          <PhotoImage key={photo.id} photo={photo} fit="cover" alt={`${name}, photo ${photoIndex + 1} of ${photos.length}`} eager />
        ) : (
          <div className="card-photo-empty" aria-hidden="true">
            {name.slice(0, 1).toUpperCase()}
          </div>
        )}
        {photos.length > 1 && (
          <div className="card-photo-nav">
            <button
              type="button"
              className="icon-btn"
              aria-label="Previous photo"
              disabled={photoIndex === 0}
              onClick={() => setPhotoIndex((i) => Math.max(0, i - 1))}
            >
              ‹
            </button>
            <span className="card-photo-count" aria-hidden="true">
              {photoIndex + 1}/{photos.length}
            </span>
            <button
              type="button"
              className="icon-btn"
              aria-label="Next photo"
              disabled={photoIndex >= photos.length - 1}
              onClick={() => setPhotoIndex((i) => Math.min(photos.length - 1, i + 1))}
            >
              ›
            </button>
          </div>
        )}
        <div className="card-overlay">
          <div className="card-head">
            <h2 id={`profile-${profile.id}-name`} className="card-name" title={name} dir="auto">
              {name}
            </h2>
            {menu}
          </div>
          <p className="card-meta">
            {typeof profile.age === 'number' && <span>{profile.age} years old</span>}
            {profile.distance_miles !== undefined && <span>Within {profile.distance_miles} miles</span>}
            {place && <span>{place}</span>}
          </p>
          <MetCount count={profile.met_count} />
          <SharedTags tags={sharedTags} />
        </div>
      </div>
      <div className="card-actions">
        <Button variant="secondary" className="btn-no" disabled={disabled} onClick={() => onDecide(false)} aria-keyshortcuts="ArrowLeft">
          No
        </Button>
        <Button className="btn-yes" disabled={disabled} onClick={() => onDecide(true)} aria-keyshortcuts="ArrowRight">
          Yes
        </Button>
      </div>
      <div className="card-body">
        {profile.bio && (
          <p className="card-bio" dir="auto">
            {profile.bio}
          </p>
        )}
        <TagGroup title="Hobbies" tags={profile.hobbies} shared={sharedInterests} />
        <TagGroup title="Interests" tags={profile.interests} shared={sharedInterests} />
      </div>
      <p className="card-hint muted" aria-hidden="true">
        Tip: drag the card, or press ← for no, → for yes
      </p>
    </article>
  );
}
