import { useState, type FormEvent } from 'react';
import { EmailField } from '@/components/ui/account-fields';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { isEmailAddress } from '@/lib/account-rules';
import { useFormErrors } from '@/lib/form-errors';
import { useRequestPasswordReset } from '../api/request-password-reset';

const FIELDS = ['email'] as const;

export function ForgotPasswordForm() {
  const [email, setEmail] = useState('');
  const mutation = useRequestPasswordReset();
  const { formError, errorFor, passes } = useFormErrors(mutation.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problem = isEmailAddress(email.trim()) ? undefined : 'Enter the email address of your account.';
    if (!passes({ email: problem })) return;
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
      {formError && <Alert>{formError}</Alert>}
      <EmailField
        label="Email"
        name="email"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={errorFor('email')}
      />
      <Button type="submit" pending={mutation.isPending} className="btn-block">
        Send reset link
      </Button>
    </form>
  );
}
