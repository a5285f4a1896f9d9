import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextAreaField } from '@/components/ui/field';
import { ApiError } from '@/lib/api-client';
import { endSentenceWith } from '@/lib/format';
import { REPORT_REASON_MAX, useReportUser } from '../api/report-user';

export const ALREADY_REPORTED = 'You already reported this person.';

function serverMessage(error: unknown): { field?: string; form?: string } {
  if (!error) return {};
  if (error instanceof ApiError) {
    if (error.status === 409) return { form: ALREADY_REPORTED };
    const field = error.fieldError('reason');
    if (field) return { field };
    return { form: error.message };
  }
  return { form: 'Could not send your report. Please try again.' };
}

/** Reporting someone: one required reason (1–1000 characters) for the people who review reports. */
export function ReportDialog({
  userId,
  name,
  onClose,
}: {
  userId: number;
  name: string;
  onClose: () => void;
}) {
  const report = useReportUser();
  const [reason, setReason] = useState('');
  const [clientError, setClientError] = useState<string | null>(null);
  const server = serverMessage(report.error);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = reason.trim();
    if (trimmed.length === 0) {
      setClientError('Tell us what happened.');
      return;
    }
    if (trimmed.length > REPORT_REASON_MAX) {
      setClientError(`Use at most ${REPORT_REASON_MAX} characters.`);
      return;
    }
    setClientError(null);
    report.mutate({ user_id: userId, reason: trimmed });
  };

  if (report.isSuccess) {
    return (
      <Dialog title="Thanks for telling us" onClose={onClose} className="dialog-form">
        <p className="dialog-text" role="status">
          We will review your report about {endSentenceWith(name)} You can also block them so neither of you
          sees the other again.
        </p>
        <div className="dialog-actions">
          <Button onClick={onClose}>Done</Button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title={`Report ${name}`} onClose={onClose} className="dialog-form">
      <form onSubmit={onSubmit} noValidate>
        <p className="dialog-text">
          Reports are private: <bdi>{name}</bdi> is not told who reported them.
        </p>
        <TextAreaField
          label="Reason"
          value={reason}
          rows={4}
          maxLength={REPORT_REASON_MAX}
          required
          error={clientError ?? server.field}
          hint={`${reason.trim().length}/${REPORT_REASON_MAX}. What happened?`}
          onChange={(event) => {
            setReason(event.target.value);
            if (clientError) setClientError(null);
          }}
        />
        {server.form && <Alert>{server.form}</Alert>}
        <div className="dialog-actions dialog-actions-row">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" pending={report.isPending}>
            Send report
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
