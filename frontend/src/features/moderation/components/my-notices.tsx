import { formatTime } from '@/lib/format';
import type { ModerationNotice } from '@/types/api';
import { useAppeal, useMyModeration } from '../api/my-moderation';
import { AppealForm } from './appeal-form';
import { NOTICE_TITLES } from './labels';

function AppealFromTheApp({ notice }: { notice: ModerationNotice }) {
  const appeal = useAppeal();
  return (
    <AppealForm
      onSend={(text) => appeal.mutate({ action_id: notice.id, text })}
      pending={appeal.isPending}
      error={appeal.error}
    />
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
              notice.can_appeal && <AppealFromTheApp notice={notice} />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
