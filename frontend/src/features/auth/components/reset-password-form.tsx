import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { NewPasswordField } from '@/components/ui/account-fields';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { newPasswordError } from '@/lib/account-rules';
import { ApiError } from '@/lib/api-client';
import { useFormErrors } from '@/lib/form-errors';
import { useResetPassword } from '../api/reset-password';

const FIELDS = ['password'] as const;

export function ResetPasswordForm({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const mutation = useResetPassword();
  const { formError, errorFor, passes } = useFormErrors(mutation.error, FIELDS);
  const linkInvalid = mutation.error instanceof ApiError && mutation.error.code === 'invalid_token';

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!passes({ password: newPasswordError(password) })) return;
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
        {formError} <Link to="/forgot-password">Ask for a new link</Link>
      </Alert>
    );
  }
  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      {formError && <Alert>{formError}</Alert>}
      <NewPasswordField
        label="New password"
        name="password"
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={errorFor('password')}
      />
      <Button type="submit" pending={mutation.isPending} className="btn-block">
        Set new password
      </Button>
    </form>
  );
}
