import { useState, type FormEvent } from 'react';
import { EmailField } from '@/components/ui/account-fields';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { isEmailAddress } from '@/lib/account-rules';
import { useFormErrors } from '@/lib/form-errors';
import type { Me } from '@/types/api';
import { useChangeEmail } from '../api/change-email';

const FIELDS = ['email', 'password'] as const;

export function EmailForm({ me }: { me: Me }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const mutation = useChangeEmail();
  const { formError, errorFor, passes } = useFormErrors(mutation.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!isEmailAddress(email.trim())) errors.email = 'Enter a valid email address.';
    if (!password) errors.password = 'Enter your password to confirm.';
    if (!passes(errors)) return;
    mutation.mutate({ email: email.trim(), password }, { onSuccess: () => setPassword('') });
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Change email">
      <p className="muted">
        Your address is <strong>{me.email}</strong>
        {me.email_verified ? ' (confirmed).' : ' (not confirmed yet).'}
      </p>
      {formError && <Alert>{formError}</Alert>}
      {mutation.isSuccess && <Alert tone="success">{mutation.data.message}</Alert>}
      <EmailField
        label="New email"
        name="email"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={errorFor('email')}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={errorFor('password')}
      />
      <div className="form-actions">
        <Button type="submit" pending={mutation.isPending}>
          Change email
        </Button>
      </div>
    </form>
  );
}
