import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { MetCount } from '@/components/ui/met-count';
import { PhotoImage } from '@/components/ui/photo-image';
import { displayNameOf } from '@/lib/format';
import type { Profile } from '@/types/api';

function TagGroup({ title, tags, shared }: { title: string; tags: string[]; shared: Set<string> }) {
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

/** The full profile of someone you matched: every photo, bio, tags (shared ones marked), distance. */
export function ProfileSheet({ profile, onClose }: { profile: Profile; onClose: () => void }) {
  const name = displayNameOf(profile);
  const photos = [...profile.photos].sort((a, b) => a.position - b.position);
  const shared = new Set((profile.shared_interests ?? []).map((tag) => tag.toLowerCase()));
  const place = [profile.city, profile.state].filter(Boolean).join(', ');

  return (
    <Dialog title={name} onClose={onClose} className="profile-sheet">
      <p className="card-meta">
        {typeof profile.age === 'number' && <span>{profile.age} years old</span>}
        {place && <span>{place}</span>}
        {/* Coarse on purpose, as on the cards: the server rounds distances up to a band. */}
        {profile.distance_miles !== undefined && <span>Within {profile.distance_miles} miles</span>}
      </p>
      <MetCount count={profile.met_count} />
      {photos.length > 0 && (
        <ul className="sheet-photos" aria-label={`Photos of ${name}`}>
          {photos.map((photo, index) => (
            <li key={photo.id}>
              <PhotoImage photo={photo} alt={`${name}, photo ${index + 1} of ${photos.length}`} />
            </li>
          ))}
        </ul>
      )}
      {profile.bio && <p className="card-bio">{profile.bio}</p>}
      {shared.size > 0 && (
        <p className="card-shared">
          You both like {[...(profile.shared_interests ?? [])].join(', ')}
        </p>
      )}
      <TagGroup title="Hobbies" tags={profile.hobbies} shared={shared} />
      <TagGroup title="Interests" tags={profile.interests} shared={shared} />
      <div className="dialog-actions">
        <Button onClick={onClose}>Close</Button>
      </div>
    </Dialog>
  );
}
