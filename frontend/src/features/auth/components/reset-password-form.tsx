import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { NewPasswordField } from '@/components/ui/account-fields';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { newPasswordError } from '@/lib/account-rules';
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
    const error = newPasswordError(password);
    setClientError(error);
    if (error) return;
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
      <NewPasswordField
        label="New password"
        name="password"
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={clientError ?? serverErrors.fields.password}
      />
      <Button type="submit" pending={mutation.isPending} className="btn-block">
        Set new password
      </Button>
    </form>
  );
}
