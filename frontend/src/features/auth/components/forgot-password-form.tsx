import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { formErrorsFrom } from '@/lib/form-errors';
import { useRequestPasswordReset } from '../api/request-password-reset';

const FIELDS = ['email'] as const;

export function ForgotPasswordForm() {
  const [email, setEmail] = useState('');
  const [clientError, setClientError] = useState<string | undefined>();
  const mutation = useRequestPasswordReset();
  const serverErrors = formErrorsFrom(mutation.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) {
      setClientError('Enter the email address of your account.');
      return;
    }
    setClientError(undefined);
    mutation.mutate({ email: email.trim() });
  };

  if (mutation.isSuccess) {
    return (
      <Alert tone="success">
        {mutation.data.message} Check your inbox (and the spam folder); the link works for 30 minutes.
      </Alert>
    );
  }
  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      {serverErrors.form && <Alert>{serverErrors.form}</Alert>}
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={clientError ?? serverErrors.fields.email}
      />
      <Button type="submit" pending={mutation.isPending} className="btn-block">
        Send reset link
      </Button>
    </form>
  );
}
