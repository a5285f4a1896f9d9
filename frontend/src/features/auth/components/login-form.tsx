import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { useFormErrors } from '@/lib/form-errors';
import type { Me } from '@/types/api';
import { useLogin } from '../api/login';
import { completeAuthentication } from './auth-success';

const FIELDS = ['username', 'password'] as const;
type Field = (typeof FIELDS)[number];

export function LoginForm({ onAuthenticated }: { onAuthenticated?: (user: Me) => void }) {
  const [values, setValues] = useState<Record<Field, string>>({ username: '', password: '' });
  const [sessionError, setSessionError] = useState<string | null>(null);
  const mutation = useLogin({
    onSuccess: (data) => {
      if (!completeAuthentication(data, onAuthenticated)) {
        setSessionError('We could not sign you in. Please try again.');
      }
    },
  });
  const { formError, errorFor, passes, clear } = useFormErrors(mutation.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errors: Partial<Record<Field, string>> = {};
    if (!values.username.trim()) errors.username = 'Enter your username or email.';
    if (!values.password) errors.password = 'Enter your password.';
    if (!passes(errors)) return;
    mutation.mutate({ username: values.username.trim(), password: values.password });
  };

  const bind = (field: Field) => ({
    value: values[field],
    onChange: (event: { target: { value: string } }) => {
      setValues((current) => ({ ...current, [field]: event.target.value }));
      clear(field);
    },
    error: errorFor(field),
  });

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
