import { useId, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FieldShell, TextAreaField, TextField } from '@/components/ui/field';
import { ApiError } from '@/lib/api-client';
import type { PlaceKind } from '@/types/api';
import { useProposeHangout } from '../api/propose-hangout';
import { PLACE_KINDS, PLACE_LABELS } from './format';

const MAX_OPTIONS = 3;
const LENGTHS = [1, 2, 3, 4];

type OptionDraft = { start: string; hours: number };

/** `YYYY-MM-DDTHH:mm` in local time, the value a datetime-local input takes. */
function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Tomorrow at 6 PM (plus `days`), a sensible first suggestion. */
function suggestedStart(days = 0): string {
  const date = new Date();
  date.setDate(date.getDate() + 1 + days);
  date.setHours(18, 0, 0, 0);
  return localInputValue(date);
}

function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const messages = error.fields[field];
  return messages?.join(' ');
}

/** The form that proposes a plan: what (pre-filled from shared tags), where (a kind of place), when (1–3 times). */
export function ProposeHangoutDialog({
  matchId,
  partnerName,
  sharedTags,
  onClose,
}: {
  matchId: number;
  partnerName: string;
  sharedTags: string[];
  onClose: () => void;
}) {
  const propose = useProposeHangout();
  const [activity, setActivity] = useState(sharedTags[0] ?? '');
  const [placeKind, setPlaceKind] = useState<PlaceKind>('cafe');
  const [note, setNote] = useState('');
  const [options, setOptions] = useState<OptionDraft[]>([{ start: suggestedStart(), hours: 2 }]);
  const [localError, setLocalError] = useState<string | null>(null);
  const placeId = useId();

  const update = (index: number, change: Partial<OptionDraft>) =>
    setOptions((all) => all.map((option, i) => (i === index ? { ...option, ...change } : option)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setLocalError(null);
    const times = options.map(({ start, hours }) => {
      const begins = new Date(start);
      return { begins, ends: new Date(begins.getTime() + hours * 3_600_000) };
    });
    if (times.some(({ begins }) => Number.isNaN(begins.getTime()))) {
      setLocalError('Give a date and time for every option.');
      return;
    }
    propose.mutate(
      {
        matchId,
        activity: activity.trim(),
        place_kind: placeKind,
        note: note.trim() || undefined,
        options: times.map(({ begins, ends }) => ({ starts_at: begins.toISOString(), ends_at: ends.toISOString() })),
      },
      { onSuccess: onClose },
    );
  };

  const serverError = propose.error
    ? propose.error instanceof ApiError
      ? propose.error.fields.options
        ? `Times: ${propose.error.fields.options.join(' ')}`
        : propose.error.message
      : 'Could not send the plan. Try again.'
    : null;

  return (
    <Dialog title={`Plan a hangout with ${partnerName}`} onClose={onClose} className="hangout-dialog">
      <form className="form" onSubmit={submit} noValidate>
        <TextField
          label="Activity"
          value={activity}
          maxLength={80}
          required
          onChange={(event) => setActivity(event.target.value)}
          error={fieldError(propose.error, 'activity')}
          hint={sharedTags.length > 0 ? `You both like ${sharedTags.join(', ')}` : undefined}
        />
        <FieldShell id={placeId} label="Kind of place" error={fieldError(propose.error, 'place_kind')}>
          <select
            id={placeId}
            className="input"
            value={placeKind}
            onChange={(event) => setPlaceKind(event.target.value as PlaceKind)}
          >
            {PLACE_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {PLACE_LABELS[kind]}
              </option>
            ))}
          </select>
        </FieldShell>
        <p className="field-hint">Meet somewhere public; agree on the exact spot in the chat.</p>
        {options.map((option, index) => (
          <div key={index} className="hangout-option-row">
            <TextField
              label={`Time ${index + 1} starts`}
              type="datetime-local"
              value={option.start}
              required
              onChange={(event) => update(index, { start: event.target.value })}
            />
            <LengthField value={option.hours} index={index} onChange={(hours) => update(index, { hours })} />
            {options.length > 1 && (
              <Button
                variant="ghost"
                className="btn-small"
                aria-label={`Remove time ${index + 1}`}
                onClick={() => setOptions((all) => all.filter((_, i) => i !== index))}
              >
                Remove
              </Button>
            )}
          </div>
        ))}
        {options.length < MAX_OPTIONS && (
          <Button
            variant="secondary"
            onClick={() => setOptions((all) => [...all, { start: suggestedStart(all.length), hours: 2 }])}
          >
            Add another time
          </Button>
        )}
        <TextAreaField
          label="Note (optional)"
          value={note}
          maxLength={500}
          rows={2}
          onChange={(event) => setNote(event.target.value)}
          error={fieldError(propose.error, 'note')}
        />
        {(localError ?? serverError) && <Alert>{localError ?? serverError}</Alert>}
        <div className="dialog-actions">
          <Button variant="secondary" onClick={onClose}>
            Not now
          </Button>
          <Button type="submit" pending={propose.isPending} disabled={!activity.trim()}>
            Propose
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function LengthField({ value, index, onChange }: { value: number; index: number; onChange: (hours: number) => void }) {
  const id = useId();
  return (
    <FieldShell id={id} label={`Time ${index + 1} length`}>
      <select id={id} className="input" value={value} onChange={(event) => onChange(Number(event.target.value))}>
        {LENGTHS.map((hours) => (
          <option key={hours} value={hours}>
            {hours} {hours === 1 ? 'hour' : 'hours'}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}
