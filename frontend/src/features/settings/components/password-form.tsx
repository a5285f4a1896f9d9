import { useState, type FormEvent } from 'react';
import { NewPasswordField } from '@/components/ui/account-fields';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { newPasswordError } from '@/lib/account-rules';
import { useFormErrors } from '@/lib/form-errors';
import type { Me } from '@/types/api';
import { useChangePassword } from '../api/change-password';

const FIELDS = ['current_password', 'new_password'] as const;

export function PasswordForm({ me }: { me: Me }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const mutation = useChangePassword();
  const { formError, errorFor, passes } = useFormErrors(mutation.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errors = {
      current_password: current ? undefined : 'Enter your current password.',
      new_password: newPasswordError(next),
    };
    if (!passes(errors)) return;
    mutation.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
        },
      },
    );
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Change password">
      {formError && <Alert>{formError}</Alert>}
      {mutation.isSuccess && (
        <Alert tone="success">Password changed. Your other sessions were signed out.</Alert>
      )}
      <TextField
        label="Current password"
        name="current_password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={(event) => setCurrent(event.target.value)}
        error={errorFor('current_password')}
      />
      <NewPasswordField
        label="New password"
        name="new_password"
        value={next}
        onChange={(event) => setNext(event.target.value)}
        error={errorFor('new_password')}
        userInputs={[me.username, me.email]}
      />
      <div className="form-actions">
        <Button type="submit" pending={mutation.isPending}>
          Change password
        </Button>
      </div>
    </form>
  );
}
