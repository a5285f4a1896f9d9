import { decode } from 'blurhash';
import { useEffect, useRef, useState } from 'react';

export type PhotoLike = {
  url: string;
  thumb_url?: string;
  width: number;
  height: number;
  blurhash: string | null;
};

function BlurhashCanvas({ hash }: { hash: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const element = canvas.current;
    const context = element?.getContext?.('2d');
    if (!element || !context) return;
    try {
      const pixels = decode(hash, 32, 32);
      const image = context.createImageData(32, 32);
      image.data.set(pixels);
      context.putImageData(image, 0, 0);
    } catch {
      // an invalid hash just leaves the neutral background
    }
  }, [hash]);
  return <canvas ref={canvas} className="photo-blur" width={32} height={32} aria-hidden="true" />;
}

/**
 * An image whose box is reserved from its known width/height (no layout shift) and that paints
 * its BlurHash until the real pixels arrive. `fit="cover"` fills a box whose shape the parent sets.
 */
export function PhotoImage({
  photo,
  alt,
  variant = 'full',
  fit = 'intrinsic',
  className,
  eager = false,
}: {
  photo: PhotoLike;
  alt: string;
  variant?: 'full' | 'thumb';
  fit?: 'intrinsic' | 'cover';
  className?: string;
  eager?: boolean;
}) {
  const src = variant === 'thumb' && photo.thumb_url ? photo.thumb_url : photo.url;
  // Which source loaded or failed: a new URL (a re-signed one, another photo) starts over.
  const [loadedSrc, setLoadedSrc] = useState<string | null>(null);
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  const loaded = loadedSrc === src;
  const failed = failedSrc === src;

  const ratio = photo.width > 0 && photo.height > 0 ? `${photo.width} / ${photo.height}` : '1 / 1';
  return (
    <div
      className={['photo', `photo-${fit}`, loaded ? 'photo-loaded' : '', className]
        .filter(Boolean)
        .join(' ')}
      style={fit === 'intrinsic' ? { aspectRatio: ratio } : undefined}
    >
      {photo.blurhash && !loaded && <BlurhashCanvas hash={photo.blurhash} />}
      {failed ? (
        <span className="photo-failed" role="img" aria-label={`${alt} (could not load)`} />
      ) : (
        <img
          src={src}
          alt={alt}
          width={photo.width || undefined}
          height={photo.height || undefined}
          loading={eager ? 'eager' : 'lazy'}
          decoding="async"
          onLoad={() => setLoadedSrc(src)}
          onError={() => setFailedSrc(src)}
        />
      )}
    </div>
  );
}
