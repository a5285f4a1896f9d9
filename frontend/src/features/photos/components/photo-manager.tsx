// One component on purpose (about 370 lines): the grid, the drop zone, the upload queue with its
// progress and the delete dialog share one list of photos and one mutation state.
import { useId, useRef, useState, type DragEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { TrashIcon } from '@/components/ui/icons';
import { PhotoImage } from '@/components/ui/photo-image';
import { ProgressBar } from '@/components/ui/progress-bar';
import { ErrorState, LoadingState } from '@/components/ui/states';
import { ApiError } from '@/lib/api-client';
import { endSentenceWith } from '@/lib/format';
import type { Photo } from '@/types/api';
import { useDeletePhoto } from '../api/delete-photo';
import { MAX_PHOTOS, useMyPhotos } from '../api/get-photos';
import { useReorderPhotos } from '../api/reorder-photos';
import { useUploadArchive, type ArchiveResult } from '../api/upload-archive';
import { ACCEPTED_IMAGE_TYPES, MAX_IMAGE_BYTES, useUploadPhoto } from '../api/upload-photo';

type UploadItem = {
  key: string;
  file: File;
  kind: 'photo' | 'archive';
  status: 'queued' | 'uploading' | 'done' | 'failed';
  progress: number;
  /** Why it failed, or what an archive added. */
  message?: string;
  /** The archive entries the server did not take, and why. */
  skipped?: ArchiveResult['skipped'];
  /** Whether trying the same file again can succeed. */
  retryable?: boolean;
};

let uploadCounter = 0;

function errorMessage(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Upload failed. Please try again.';
}

/**
 * A lost connection, a server error or a rate limit may pass on a second try; a refusal of the
 * file itself (415 not an image, 422 corrupt or too many pixels, 413 too large) fails every time.
 */
function isRetryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status === 429 || error.status >= 500;
}

function move<T>(items: T[], from: number, to: number): T[] {
  const next = [...items];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
}

export function PhotoManager() {
  const photosQuery = useMyPhotos();
  const uploadPhoto = useUploadPhoto();
  const uploadArchive = useUploadArchive();
  const reorder = useReorderPhotos();
  const remove = useDeletePhoto();
  const [uploads, setUploads] = useState<UploadItem[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  /** The photo whose deletion waits for "Delete photo" in the confirm dialog. */
  const [deleting, setDeleting] = useState<{ photo: Photo; number: number } | null>(null);
  const photoInput = useRef<HTMLInputElement>(null);
  const archiveInput = useRef<HTMLInputElement>(null);
  const photoInputId = useId();
  const archiveInputId = useId();

  const photos: Photo[] = photosQuery.data ?? [];
  const pending = uploads.filter((u) => u.kind === 'photo' && (u.status === 'queued' || u.status === 'uploading')).length;
  const slotsLeft = Math.max(0, MAX_PHOTOS - photos.length - pending);

  const patchUpload = (key: string, patch: Partial<UploadItem>) =>
    setUploads((current) => current.map((item) => (item.key === key ? { ...item, ...patch } : item)));

  // Uploads run one file at a time, in the order they were added: the server keeps that order
  // and the photo limit. The queue lives in a ref, drained by the handlers that fill it.
  const queue = useRef<UploadItem[]>([]);
  const draining = useRef(false);
  const uploadOne = async (item: UploadItem): Promise<Partial<UploadItem>> => {
    const onProgress = ({ fraction }: { fraction: number }) => patchUpload(item.key, { progress: fraction });
    if (item.kind === 'photo') {
      await uploadPhoto.mutateAsync({ file: item.file, onProgress });
      return {};
    }
    const result = await uploadArchive.mutateAsync({ file: item.file, onProgress });
    const added = result.photos.length;
    return { message: `${added} photo${added === 1 ? '' : 's'} added.`, skipped: result.skipped };
  };
  const drain = async () => {
    if (draining.current) return;
    draining.current = true;
    for (let item = queue.current.shift(); item; item = queue.current.shift()) {
      patchUpload(item.key, { status: 'uploading', progress: 0 });
      try {
        const outcome = await uploadOne(item);
        patchUpload(item.key, { status: 'done', progress: 1, ...outcome });
      } catch (error) {
        patchUpload(item.key, { status: 'failed', message: errorMessage(error), retryable: isRetryable(error) });
      }
    }
    draining.current = false;
  };
  const enqueue = (items: UploadItem[]) => {
    setUploads((current) => [...current.filter((item) => item.status !== 'done'), ...items]);
    queue.current.push(...items);
    void drain();
  };
  const newUpload = (file: File, kind: UploadItem['kind']): UploadItem => ({
    key: `upload-${++uploadCounter}`,
    file,
    kind,
    status: 'queued',
    progress: 0,
  });

  const addPhotoFiles = (files: File[]) => {
    setNotice(null);
    const problems: string[] = [];
    const accepted: File[] = [];
    for (const file of files) {
      if (file.type && !ACCEPTED_IMAGE_TYPES.includes(file.type)) {
        problems.push(`${file.name} is not a JPEG, PNG or WebP image.`);
      } else if (file.size > MAX_IMAGE_BYTES) {
        problems.push(`${file.name} is larger than 10 MB.`);
      } else if (accepted.length >= slotsLeft) {
        problems.push(`${file.name} was not added: you can have at most ${MAX_PHOTOS} photos.`);
      } else {
        accepted.push(file);
      }
    }
    if (problems.length) setNotice(problems.join(' '));
    if (accepted.length === 0) return;
    enqueue(accepted.map((file) => newUpload(file, 'photo')));
  };

  const addArchive = (file: File) => {
    setNotice(null);
    enqueue([newUpload(file, 'archive')]);
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    const files = Array.from(event.dataTransfer.files);
    const archives = files.filter((f) => f.name.toLowerCase().endsWith('.zip') || f.type.includes('zip'));
    archives.forEach(addArchive);
    const images = files.filter((f) => !archives.includes(f));
    if (images.length) addPhotoFiles(images);
  };

  const reorderTo = (from: number, to: number) => {
    if (to < 0 || to >= photos.length || from === to) return;
    reorder.mutate(move(photos, from, to).map((photo) => photo.id));
  };

  // A failed deletion is reported inside its dialog, which stays open to try again.
  const actionError = reorder.error;

  const closeDeleteDialog = () => {
    setDeleting(null);
    remove.reset();
  };

  return (
    <section className="card photo-manager" aria-labelledby="photos-heading">
      <div className="section-head">
        <h2 id="photos-heading">Photos</h2>
        <span className="muted">
          {photos.length}/{MAX_PHOTOS}
        </span>
      </div>
      <p className="muted">The first photo is your main one. Photos are optional but help people say yes.</p>

      {notice && <Alert>{notice}</Alert>}
      {actionError && <Alert>{errorMessage(actionError)}</Alert>}

      {photosQuery.isPending ? (
        <LoadingState label="Loading photos…" />
      ) : photosQuery.isError ? (
        <ErrorState message={errorMessage(photosQuery.error)} onRetry={() => void photosQuery.refetch()} />
      ) : photos.length === 0 ? (
        <p className="photo-empty">No photos yet.</p>
      ) : (
        <ol className="photo-grid" aria-label="Your photos">
          {photos.map((photo, index) => (
            <li key={photo.id} className="photo-tile">
              <div className="photo-tile-image">
                <PhotoImage photo={photo} variant="thumb" fit="cover" alt={`Photo ${index + 1}`} />
                {index === 0 && <span className="badge badge-main">Main</span>}
              </div>
              <div className="photo-tile-actions">
                <button
                  type="button"
                  className="icon-btn"
                  aria-label={`Move photo ${index + 1} earlier`}
                  disabled={index === 0 || reorder.isPending}
                  onClick={() => reorderTo(index, index - 1)}
                >
                  ←
                </button>
                {index !== 0 && (
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`Make photo ${index + 1} the main photo`}
                    title="Make main photo"
                    disabled={reorder.isPending}
                    onClick={() => reorderTo(index, 0)}
                  >
                    ★
                  </button>
                )}
                <button
                  type="button"
                  className="icon-btn"
                  aria-label={`Move photo ${index + 1} later`}
                  disabled={index === photos.length - 1 || reorder.isPending}
                  onClick={() => reorderTo(index, index + 1)}
                >
                  →
                </button>
                <button
                  type="button"
                  className="icon-btn icon-btn-danger"
                  aria-label={`Delete photo ${index + 1}`}
                  disabled={remove.isPending}
                  onClick={() => setDeleting({ photo, number: index + 1 })}
                >
                  <TrashIcon size={16} />
                </button>
              </div>
            </li>
          ))}
        </ol>
      )}

      {deleting && (
        <ConfirmDialog
          title={`Delete photo ${deleting.number}?`}
          confirmLabel="Delete photo"
          pending={remove.isPending}
          error={remove.error ? errorMessage(remove.error) : null}
          onCancel={closeDeleteDialog}
          onConfirm={() => remove.mutate(deleting.photo.id, { onSuccess: closeDeleteDialog })}
        >
          <div className="confirm-photo">
            <PhotoImage photo={deleting.photo} variant="thumb" fit="cover" alt={`Photo ${deleting.number}`} />
          </div>
          <p>It is removed from your profile and from storage. This cannot be undone.</p>
        </ConfirmDialog>
      )}

      <div
        className={`dropzone${dragging ? ' dropzone-active' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop photos (JPEG, PNG or WebP, up to 10 MB each) or a ZIP of photos here, or</p>
        <div className="dropzone-actions">
          <Button onClick={() => photoInput.current?.click()} disabled={slotsLeft === 0}>
            Upload photos
          </Button>
          <Button variant="secondary" onClick={() => archiveInput.current?.click()} disabled={slotsLeft === 0}>
            Upload a ZIP archive
          </Button>
        </div>
        <label className="visually-hidden" htmlFor={photoInputId}>
          Choose photos
        </label>
        <input
          ref={photoInput}
          id={photoInputId}
          className="visually-hidden"
          type="file"
          accept={ACCEPTED_IMAGE_TYPES.join(',')}
          multiple
          tabIndex={-1}
          onChange={(event) => {
            addPhotoFiles(Array.from(event.target.files ?? []));
            event.target.value = '';
          }}
        />
        <label className="visually-hidden" htmlFor={archiveInputId}>
          Choose a ZIP archive
        </label>
        <input
          ref={archiveInput}
          id={archiveInputId}
          className="visually-hidden"
          type="file"
          accept=".zip,application/zip"
          tabIndex={-1}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) addArchive(file);
            event.target.value = '';
          }}
        />
        {slotsLeft === 0 && <p className="muted">You have {MAX_PHOTOS} photos. Delete one to add another.</p>}
      </div>

      {uploads.length > 0 && (
        <ul className="upload-list" aria-label="Uploads">
          {uploads.map((item) => (
            <li key={item.key} className={`upload upload-${item.status}`}>
              {/* The row holds the name and a one-word status; longer results go underneath, so
                  they never squeeze the file name. */}
              <div className="upload-row">
                <span className="upload-name" title={item.file.name}>
                  {item.file.name}
                </span>
                <span className="upload-status">
                  {item.status === 'queued' && 'Waiting…'}
                  {item.status === 'uploading' && `${Math.round(item.progress * 100)}%`}
                  {item.status === 'done' && 'Uploaded'}
                  {item.status === 'failed' && 'Failed'}
                </span>
              </div>
              <ProgressBar value={item.status === 'done' ? 1 : item.progress} label={`Uploading ${item.file.name}`} />
              {item.status === 'done' && item.message && (
                <div className="upload-result">
                  <p>{item.message}</p>
                  {item.skipped && item.skipped.length > 0 && (
                    <>
                      <p>Skipped:</p>
                      <ul aria-label={`Skipped from ${item.file.name}`}>
                        {item.skipped.map((entry) => (
                          <li key={entry.name}>
                            {entry.name}: {endSentenceWith(entry.reason)}
                          </li>
                        ))}
                      </ul>
                    </>
                  )}
                </div>
              )}
              {item.status === 'failed' && (
                <p className="field-error" role="alert">
                  {item.message}
                  {item.retryable && (
                    <>
                      {' '}
                      <button
                        type="button"
                        className="link-btn"
                        onClick={() => {
                          const again = { ...item, status: 'queued' as const, progress: 0 };
                          patchUpload(item.key, { ...again, message: undefined, retryable: undefined });
                          queue.current.push(again);
                          void drain();
                        }}
                      >
                        Retry
                      </button>
                    </>
                  )}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
