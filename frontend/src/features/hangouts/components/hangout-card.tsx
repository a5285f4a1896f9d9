import { useEffect, useId, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ApiError } from '@/lib/api-client';
import type { Hangout } from '@/types/api';
import { useAnswerHangout, type HangoutAnswer } from '../api/answer-hangout';
import { useDownloadCalendar } from '../api/download-calendar';
import { PLACE_LABELS, formatOption } from './format';

const STATUS_TEXT: Record<Hangout['status'], string> = {
  proposed: 'Proposed',
  accepted: 'Agreed',
  declined: 'Declined',
  cancelled: 'Cancelled',
};

function errorText(error: unknown): string | null {
  if (!error) return null;
  return error instanceof ApiError ? error.message : 'Could not save that. Try again.';
}

/** The time now, in ms, updated every minute (enough to notice that a plan is over). */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** One plan in the chat: its times, and what the viewer can do about it now. */
export function HangoutCard({
  hangout,
  userId,
  partnerName,
  now: fixedNow,
}: {
  hangout: Hangout;
  userId: number;
  partnerName: string;
  /** The current time in ms (tests pass their own). */
  now?: number;
}) {
  const clock = useMinuteClock();
  const now = fixedNow ?? clock;
  const answer = useAnswerHangout();
  const download = useDownloadCalendar();
  const [choice, setChoice] = useState(0);
  const groupName = useId();
  const titleId = useId();
  const mine = hangout.proposer_id === userId;
  const send = (a: HangoutAnswer) => answer.mutate({ hangout, answer: a });
  const accepted = hangout.accepted_option !== null ? hangout.options[hangout.accepted_option] : undefined;
  const over = accepted !== undefined && new Date(accepted.ends_at).getTime() <= now;

  return (
    <article className={`hangout-card hangout-${hangout.status}`} aria-labelledby={titleId}>
      <div className="hangout-head">
        <h3 id={titleId} className="hangout-title">
          {hangout.activity}
        </h3>
        <span className="hangout-status">{STATUS_TEXT[hangout.status]}</span>
      </div>
      <p className="hangout-meta muted">
        {PLACE_LABELS[hangout.place_kind]} · {mine ? 'You proposed' : `${partnerName} proposed`}
      </p>
      {hangout.note && <p className="hangout-note">{hangout.note}</p>}

      {hangout.status === 'proposed' && !mine && (
        <fieldset className="hangout-options">
          <legend className="visually-hidden">Pick a time</legend>
          {hangout.options.map((option, index) => (
            <label key={option.starts_at + index} className="hangout-option">
              <input
                type="radio"
                name={groupName}
                checked={choice === index}
                onChange={() => setChoice(index)}
              />
              <span>{formatOption(option)}</span>
            </label>
          ))}
        </fieldset>
      )}
      {hangout.status === 'proposed' && mine && (
        <ul className="hangout-times">
          {hangout.options.map((option, index) => (
            <li key={option.starts_at + index}>{formatOption(option)}</li>
          ))}
        </ul>
      )}
      {accepted && (
        <p className="hangout-when">
          <strong>{formatOption(accepted)}</strong>
        </p>
      )}

      {errorText(answer.error) && <Alert>{errorText(answer.error)}</Alert>}
      {errorText(download.error) && <Alert>{errorText(download.error)}</Alert>}

      <div className="hangout-actions">
        {hangout.status === 'proposed' && !mine && (
          <>
            <Button
              pending={answer.isPending}
              onClick={() => send({ action: 'accept', optionIndex: choice })}
            >
              Accept
            </Button>
            <Button variant="secondary" disabled={answer.isPending} onClick={() => send({ action: 'decline' })}>
              Decline
            </Button>
          </>
        )}
        {hangout.status === 'proposed' && mine && (
          <>
            <span className="muted">Waiting for {partnerName}</span>
            <Button variant="ghost" disabled={answer.isPending} onClick={() => send({ action: 'cancel' })}>
              Cancel plan
            </Button>
          </>
        )}
        {hangout.status === 'accepted' && (
          <Button variant="secondary" pending={download.isPending} onClick={() => download.mutate(hangout)}>
            Add to calendar (.ics)
          </Button>
        )}
        {hangout.status === 'accepted' && !over && (
          <Button variant="ghost" disabled={answer.isPending} onClick={() => send({ action: 'cancel' })}>
            Cancel plan
          </Button>
        )}
      </div>

      {hangout.status === 'accepted' && over && (
        <div className="hangout-met" role="group" aria-label="Did you meet?">
          {hangout.met ? (
            <p>You both confirmed you met. 🎉</p>
          ) : hangout.met_confirmed ? (
            <p className="muted">Thanks! It counts once {partnerName} confirms too.</p>
          ) : (
            <>
              <p>Did you meet {partnerName}?</p>
              <Button pending={answer.isPending} onClick={() => send({ action: 'we-met' })}>
                We met
              </Button>
            </>
          )}
        </div>
      )}
    </article>
  );
}
