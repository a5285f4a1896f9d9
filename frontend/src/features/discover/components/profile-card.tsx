import { useEffect, useState, type ReactNode, type Ref } from 'react';
import { Button } from '@/components/ui/button';
import { PhotoImage } from '@/components/ui/photo-image';
import { displayNameOf } from '@/lib/format';
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

function Tags({ title, tags, shared }: { title: string; tags: string[]; shared: Set<string> }) {
  if (tags.length === 0) return null;
  return (
    <div className="card-tags">
      <h3 className="card-tags-title">{title}</h3>
      <ul className="tag-list">
        {tags.map((tag) => {
          const isShared = shared.has(tag.toLowerCase());
          return (
            <li key={tag} className={`tag${isShared ? ' tag-shared' : ''}`}>
              {isShared && <span className="visually-hidden">Shared: </span>}
              {tag}
            </li>
          );
        })}
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
  const shared = new Set((profile.shared_interests ?? []).map((tag) => tag.toLowerCase()));
  const photos = [...profile.photos].sort((a, b) => a.position - b.position);
  const photo = photos[Math.min(photoIndex, photos.length - 1)];
  const place = [profile.city, profile.state].filter(Boolean).join(', ');

  return (
    <article
      ref={ref}
      tabIndex={-1}
      className={`profile-card${drag.dragging ? ' dragging' : ''}`}
      aria-labelledby={`profile-${profile.id}-name`}
      style={drag.style}
      {...drag.handlers}
    >
      <div className="card-photo">
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
      </div>
      <div className="card-body">
        <div className="card-head">
          <h2 id={`profile-${profile.id}-name`} className="card-name" title={name}>
            {name}
          </h2>
          {menu}
        </div>
        <p className="card-meta">
          {typeof profile.age === 'number' && <span>{profile.age} years old</span>}
          {place && <span>{place}</span>}
          {profile.distance_miles !== undefined && (
            <span>Within {profile.distance_miles} miles</span>
          )}
        </p>
        {profile.bio && <p className="card-bio">{profile.bio}</p>}
        {shared.size > 0 && (
          <p className="card-shared">
            You both like {shared.size} {shared.size === 1 ? 'thing' : 'things'}
          </p>
        )}
        <Tags title="Hobbies" tags={profile.hobbies} shared={shared} />
        <Tags title="Interests" tags={profile.interests} shared={shared} />
      </div>
      <div className="card-actions">
        <Button variant="secondary" className="btn-no" disabled={disabled} onClick={() => onDecide(false)} aria-keyshortcuts="ArrowLeft">
          No
        </Button>
        <Button className="btn-yes" disabled={disabled} onClick={() => onDecide(true)} aria-keyshortcuts="ArrowRight">
          Yes
        </Button>
      </div>
      <p className="card-hint muted" aria-hidden="true">
        Tip: drag the card, or press ← for no, → for yes
      </p>
    </article>
  );
}
