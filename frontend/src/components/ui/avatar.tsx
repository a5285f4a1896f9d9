import { PhotoImage, type PhotoLike } from './photo-image';

/** A round thumbnail, or the person's initial when they have no photo. */
export function Avatar({ photo, name, size = 48 }: { photo?: PhotoLike; name: string; size?: number }) {
  return (
    <span className="avatar" style={{ width: size, height: size }}>
      {photo ? (
        <PhotoImage photo={photo} alt="" variant="thumb" fit="cover" />
      ) : (
        <span className="avatar-initial" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </span>
      )}
    </span>
  );
}
