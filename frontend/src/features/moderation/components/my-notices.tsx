import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextAreaField } from '@/components/ui/field';
import { ApiError } from '@/lib/api-client';
import { formatTime } from '@/lib/format';
import type { ModerationNotice } from '@/types/api';
import { APPEAL_TEXT_MAX, useAppeal, useMyModeration } from '../api/my-moderation';
import { NOTICE_TITLES } from './labels';

function AppealForm({ notice }: { notice: ModerationNotice }) {
  const appeal = useAppeal();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!text.trim()) {
      setError('Say why the decision is wrong.');
      return;
    }
    setError(null);
    appeal.mutate({ action_id: notice.id, text: text.trim() });
  };
  return (
    <form onSubmit={onSubmit} noValidate>
      <TextAreaField
        label="Your appeal"
        value={text}
        rows={3}
        maxLength={APPEAL_TEXT_MAX}
        error={error ?? undefined}
        onChange={(event) => setText(event.target.value)}
      />
      {appeal.error && (
        <Alert>{appeal.error instanceof ApiError ? appeal.error.message : 'Could not send. Please try again.'}</Alert>
      )}
      <Button type="submit" variant="secondary" pending={appeal.isPending}>
        Send appeal
      </Button>
    </form>
  );
}

/** The decisions moderators took on your account, each with its rule and an appeal form. */
export function MyNotices() {
  const mine = useMyModeration();
  const notices = mine.data?.actions ?? [];
  if (notices.length === 0) return null;
  return (
    <section className="card" aria-labelledby="notices-heading">
      <h2 id="notices-heading">Notices about your account</h2>
      <ul className="plain-list">
        {notices.map((notice) => (
          <li key={notice.id} className="notice">
            <h3>{NOTICE_TITLES[notice.action]}</h3>
            <p>
              {formatTime(notice.created_at)}. Rule: {notice.rule_text}
              {notice.until && ` Until ${formatTime(notice.until)}.`}
            </p>
            {notice.appeal ? (
              <p className="muted">
                You appealed: “{notice.appeal.text}” {notice.appeal.handled_at ? '(decided)' : '(waiting for a moderator)'}
              </p>
            ) : (
              notice.can_appeal && <AppealForm notice={notice} />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
