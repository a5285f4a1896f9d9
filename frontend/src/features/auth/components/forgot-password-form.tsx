import { useState, type FormEvent } from 'react';
import { EmailField } from '@/components/ui/account-fields';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { isEmailAddress } from '@/lib/account-rules';
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
    if (!isEmailAddress(email.trim())) {
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
      <EmailField
        label="Email"
        name="email"
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
