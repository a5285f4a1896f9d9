import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { MetCount } from '@/components/ui/met-count';
import { PhotoImage } from '@/components/ui/photo-image';
import { TagGroup } from '@/components/ui/tag-group';
import { displayNameOf, photosInOrder, placeOf } from '@/lib/format';
import type { Profile } from '@/types/api';

/** The full profile of someone you matched: every photo, bio, tags (shared ones marked), distance. */
export function ProfileSheet({ profile, onClose }: { profile: Profile; onClose: () => void }) {
  const name = displayNameOf(profile);
  const photos = photosInOrder(profile);
  const shared = profile.shared_interests ?? [];
  const place = placeOf(profile);

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
      {shared.length > 0 && <p className="card-shared">You both like {shared.join(', ')}</p>}
      <TagGroup title="Hobbies" tags={profile.hobbies} shared={shared} />
      <TagGroup title="Interests" tags={profile.interests} shared={shared} />
      <div className="dialog-actions">
        <Button onClick={onClose}>Close</Button>
      </div>
    </Dialog>
  );
}
