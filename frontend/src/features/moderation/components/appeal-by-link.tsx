import { Alert } from '@/components/ui/alert';
import { LoadingState } from '@/components/ui/states';
import { ApiError } from '@/lib/api-client';
import { formatTime } from '@/lib/format';
import { useAppealByLink, useAppealLink } from '../api/appeal-link';
import { AppealForm } from './appeal-form';
import { NOTICE_TITLES } from './labels';

/** The page a decision mail's appeal link opens: the decision, and the one appeal it allows. */
export function AppealByLink({ token }: { token: string }) {
  const decision = useAppealLink(token);
  const appeal = useAppealByLink(token);

  if (appeal.isSuccess) {
    return (
      <Alert tone="success">
        Your appeal was sent. A moderator will look at the decision again; you will hear from us by mail.
      </Alert>
    );
  }
  if (decision.isPending) return <LoadingState label="Opening the decision…" />;
  if (decision.isError) {
    const message = decision.error instanceof ApiError ? decision.error.message : 'Something went wrong.';
    return <Alert>{message}</Alert>;
  }
  const notice = decision.data;
  return (
    <div className="notice">
      <h2>{NOTICE_TITLES[notice.action]}</h2>
      <p>
        Decided {formatTime(notice.created_at)}.{notice.until && ` It lasts until ${formatTime(notice.until)}.`}
      </p>
      <p>Rule: {notice.rule_text}</p>
      <AppealForm onSend={(text) => appeal.mutate(text)} pending={appeal.isPending} error={appeal.error} />
    </div>
  );
}
