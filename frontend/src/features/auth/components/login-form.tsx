import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { useFormErrors } from '@/lib/form-errors';
import type { Me } from '@/types/api';
import { useLogin } from '../api/login';
import { useTextFields } from '../hooks/use-text-fields';
import { completeAuthentication } from './auth-success';

const FIELDS = ['username', 'password'] as const;
type Field = (typeof FIELDS)[number];

export function LoginForm({ onAuthenticated }: { onAuthenticated?: (user: Me) => void }) {
  const [sessionError, setSessionError] = useState<string | null>(null);
  const mutation = useLogin({
    onSuccess: (data) => {
      if (!completeAuthentication(data, onAuthenticated)) {
        setSessionError('We could not sign you in. Please try again.');
      }
    },
  });
  const formErrors = useFormErrors(mutation.error, FIELDS);
  const { formError, passes } = formErrors;
  const { values, bind } = useTextFields<Field>({ username: '', password: '' }, formErrors);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errors: Partial<Record<Field, string>> = {};
    if (!values.username.trim()) errors.username = 'Enter your username or email.';
    if (!values.password) errors.password = 'Enter your password.';
    if (!passes(errors)) return;
    mutation.mutate({ username: values.username.trim(), password: values.password });
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      {formError && <Alert>{formError}</Alert>}
      {sessionError && <Alert>{sessionError}</Alert>}
      <TextField
        label="Username"
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        hint="Your username or email address."
        {...bind('username')}
      />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" {...bind('password')} />
      <Button type="submit" pending={mutation.isPending} className="btn-block">
        Log in
      </Button>
    </form>
  );
}
