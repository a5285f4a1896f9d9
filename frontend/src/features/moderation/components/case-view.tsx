import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextAreaField, TextField } from '@/components/ui/field';
import { PhotoImage } from '@/components/ui/photo-image';
import { ErrorState, LoadingState } from '@/components/ui/states';
import { ApiError } from '@/lib/api-client';
import { apiLimits } from '@/lib/api-limits';
import { displayNameOf, formatTime } from '@/lib/format';
import type { ModerationActionName, ModerationCase } from '@/types/api';
import { useCase, useTakeAction } from '../api/cases';
import { ACTION_LABELS, CATEGORY_LABELS } from './labels';

const NOTE_MAX = apiLimits.ActionRequest.note.maxLength;
const CASE_ACTIONS: ModerationActionName[] = ['dismiss', 'warn', 'clear_bio', 'suspend', 'ban', 'restore'];

type Pending = { action: ModerationActionName; photoId?: number };

function ActionDialog({ userId, name, pending, onClose }: { userId: number; name: string; pending: Pending; onClose: () => void }) {
  const take = useTakeAction(userId);
  const [note, setNote] = useState('');
  const [until, setUntil] = useState('');
  const [error, setError] = useState<string | null>(null);
  const label = ACTION_LABELS[pending.action];

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!note.trim()) {
      setError('Write a note for the audit log.');
      return;
    }
    if (pending.action === 'suspend' && !until) {
      setError('Choose when the suspension ends.');
      return;
    }
    setError(null);
    take.mutate(
      {
        action: pending.action,
        note: note.trim(),
        ...(pending.action === 'suspend' ? { until: new Date(until).toISOString() } : {}),
        ...(pending.photoId ? { photo_id: pending.photoId } : {}),
      },
      { onSuccess: onClose },
    );
  };

  return (
    <Dialog title={`${label}: ${name}`} onClose={onClose} className="dialog-form">
      <form onSubmit={onSubmit} noValidate>
        {pending.action === 'suspend' && (
          <TextField label="Suspended until" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
        )}
        <TextAreaField
          label="Note"
          value={note}
          rows={3}
          maxLength={NOTE_MAX}
          required
          hint="Kept in the audit log; the person is not shown it."
          error={error ?? undefined}
          onChange={(event) => setNote(event.target.value)}
        />
        {take.error && (
          <Alert>{take.error instanceof ApiError ? take.error.message : 'Could not save. Please try again.'}</Alert>
        )}
        <div className="dialog-actions dialog-actions-row">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" pending={take.isPending}>
            Confirm {label.toLowerCase()}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function Standing({ data }: { data: ModerationCase }) {
  if (data.banned) return <Alert>Banned.</Alert>;
  if (data.suspended_until) return <Alert>Suspended until {formatTime(data.suspended_until)}.</Alert>;
  if (data.hidden) return <Alert tone="info">Hidden from discovery until a moderator decides.</Alert>;
  return null;
}

/** One case: the person, their photos, the reports with their reporters, the messages, and the actions. */
export function CaseView({ userId }: { userId: number }) {
  const query = useCase(userId);
  const [pending, setPending] = useState<Pending | null>(null);
  if (query.isPending) return <LoadingState label="Loading the case…" />;
  if (query.isError) return <ErrorState title="Could not load the case" onRetry={() => void query.refetch()} />;
  const data = query.data;
  const name = displayNameOf(data.profile);
  return (
    <div className="page moderation-case">
      <div className="page-head">
        <h1>Case: {name}</h1>
        <span className="muted">
          @{data.profile.username} · {data.status === 'open' ? 'Open' : 'Closed'}
        </span>
      </div>
      <Standing data={data} />
      <section className="card" aria-labelledby="case-profile">
        <h2 id="case-profile">Profile</h2>
        <p>{data.profile.bio || <span className="muted">No bio.</span>}</p>
        <ul className="moderation-photos">
          {data.photos.map((photo) => (
            <li key={photo.id}>
              <PhotoImage photo={photo} alt={`Photo ${photo.position + 1} of ${name}`} variant="thumb" />
              <Button variant="secondary" onClick={() => setPending({ action: 'remove_photo', photoId: photo.id })}>
                Remove photo {photo.position + 1}
              </Button>
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="case-reports">
        <h2 id="case-reports">Reports</h2>
        <ul className="plain-list">
          {data.reports.map((report) => (
            <li key={report.id}>
              <strong>{CATEGORY_LABELS[report.category]}</strong> by user #{report.reporter_id},{' '}
              {formatTime(report.created_at)}
              {report.handled_at ? ' (handled)' : ''}
              {report.reason && <p>{report.reason}</p>}
            </li>
          ))}
        </ul>
      </section>
      {data.messages.map((conversation) => (
        <section key={conversation.report_id} className="card" aria-label={`Messages with user #${conversation.reporter_id}`}>
          <h2>Messages with user #{conversation.reporter_id}</h2>
          <ol className="plain-list">
            {conversation.messages.map((message) => (
              <li key={message.id}>
                <strong>{message.sender_id === userId ? name : `#${message.sender_id}`}:</strong> {message.body}
              </li>
            ))}
          </ol>
        </section>
      ))}
      {data.appeals.length > 0 && (
        <section className="card" aria-labelledby="case-appeals">
          <h2 id="case-appeals">Appeals</h2>
          <ul className="plain-list">
            {data.appeals.map((appeal) => (
              <li key={appeal.id}>
                {formatTime(appeal.created_at)}: {appeal.text}
                {appeal.handled_at ? ' (decided)' : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="card" aria-labelledby="case-actions">
        <h2 id="case-actions">Decide</h2>
        <div className="button-row">
          {CASE_ACTIONS.map((action) => (
            <Button
              key={action}
              variant={action === 'ban' || action === 'suspend' ? 'danger' : 'secondary'}
              onClick={() => setPending({ action })}
            >
              {ACTION_LABELS[action]}
            </Button>
          ))}
        </div>
        {data.actions.length > 0 && (
          <ul className="plain-list">
            {data.actions.map((action) => (
              <li key={action.id}>
                {formatTime(action.created_at)}: {ACTION_LABELS[action.action]} ({CATEGORY_LABELS[action.rule]}) —{' '}
                {action.note}
              </li>
            ))}
          </ul>
        )}
      </section>
      {pending && <ActionDialog userId={userId} name={name} pending={pending} onClose={() => setPending(null)} />}
    </div>
  );
}
