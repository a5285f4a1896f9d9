import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextAreaField } from '@/components/ui/field';
import { ApiError } from '@/lib/api-client';
import { APPEAL_TEXT_MAX } from '../api/my-moderation';

type AppealFormProps = {
  onSend: (text: string) => void;
  pending: boolean;
  error: Error | null;
};

/** The text of an appeal: why the decision is wrong. Signed in or by a mailed link alike. */
export function AppealForm({ onSend, pending, error }: AppealFormProps) {
  const [text, setText] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!text.trim()) {
      setMissing('Say why the decision is wrong.');
      return;
    }
    setMissing(null);
    onSend(text.trim());
  };
  return (
    <form onSubmit={onSubmit} noValidate>
      <TextAreaField
        label="Your appeal"
        value={text}
        rows={3}
        maxLength={APPEAL_TEXT_MAX}
        error={missing ?? undefined}
        onChange={(event) => setText(event.target.value)}
      />
      {error && <Alert>{error instanceof ApiError ? error.message : 'Could not send. Please try again.'}</Alert>}
      <Button type="submit" variant="secondary" pending={pending}>
        Send appeal
      </Button>
    </form>
  );
}
