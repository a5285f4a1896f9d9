import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { PasswordStrength } from '@/components/ui/password-strength';
import { ApiError } from '@/lib/api-client';
import { formErrorsFrom } from '@/lib/form-errors';
import { useResetPassword } from '../api/reset-password';

const FIELDS = ['password'] as const;

export function ResetPasswordForm({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [clientError, setClientError] = useState<string | undefined>();
  const mutation = useResetPassword();
  const serverErrors = formErrorsFrom(mutation.error, FIELDS);
  const linkInvalid = mutation.error instanceof ApiError && mutation.error.code === 'invalid_token';

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (password.length < 8 || password.length > 128) {
      setClientError('Use 8–128 characters.');
      return;
    }
    setClientError(undefined);
    mutation.mutate({ token, password });
  };

  if (mutation.isSuccess) {
    return (
      <Alert tone="success">
        {mutation.data.message} <Link to="/login">Log in</Link>
      </Alert>
    );
  }
  if (linkInvalid) {
    return (
      <Alert>
        {serverErrors.form} <Link to="/forgot-password">Ask for a new link</Link>
      </Alert>
    );
  }
  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      {serverErrors.form && <Alert>{serverErrors.form}</Alert>}
      <TextField
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={clientError ?? serverErrors.fields.password}
        hint={<PasswordStrength password={password} />}
      />
      <Button type="submit" pending={mutation.isPending} className="btn-block">
        Set new password
      </Button>
    </form>
  );
}
