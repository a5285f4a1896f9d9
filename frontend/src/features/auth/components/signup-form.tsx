import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { formErrorsFrom } from '@/lib/form-errors';
import type { Me } from '@/types/api';
import { useSignup } from '../api/signup';
import { completeAuthentication } from './auth-success';

const FIELDS = ['username', 'email', 'password'] as const;
type Field = (typeof FIELDS)[number];

function validate(values: Record<Field, string>): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  if (!/^[A-Za-z0-9_.]{3,30}$/.test(values.username)) {
    errors.username = 'Use 3–30 letters, digits, dots or underscores.';
  }
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) errors.email = 'Enter a valid email address.';
  if (values.password.length < 8 || values.password.length > 128) {
    errors.password = 'Use 8–128 characters.';
  }
  return errors;
}

export function SignupForm({ onAuthenticated }: { onAuthenticated?: (user: Me) => void }) {
  const [values, setValues] = useState<Record<Field, string>>({
    username: '',
    email: '',
    password: '',
  });
  const [clientErrors, setClientErrors] = useState<Partial<Record<Field, string>>>({});
  const [sessionError, setSessionError] = useState<string | null>(null);
  const mutation = useSignup({
    onSuccess: (data) => {
      if (!completeAuthentication(data, onAuthenticated)) {
        setSessionError('Your account was created but we could not sign you in. Please log in.');
      }
    },
  });
  const serverErrors = formErrorsFrom(mutation.error, FIELDS);
  const errorFor = (field: Field) => clientErrors[field] ?? serverErrors.fields[field];

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errors = validate(values);
    setClientErrors(errors);
    if (Object.keys(errors).length > 0) return;
    mutation.mutate({ username: values.username.trim(), email: values.email.trim(), password: values.password });
  };

  const bind = (field: Field) => ({
    value: values[field],
    onChange: (event: { target: { value: string } }) => {
      setValues((current) => ({ ...current, [field]: event.target.value }));
      if (clientErrors[field]) setClientErrors((current) => ({ ...current, [field]: undefined }));
    },
    error: errorFor(field),
  });

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      {serverErrors.form && <Alert>{serverErrors.form}</Alert>}
      {sessionError && <Alert>{sessionError}</Alert>}
      <TextField label="Username" name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} required {...bind('username')} />
      <TextField label="Email" name="email" type="email" autoComplete="email" required {...bind('email')} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 8 characters."
        {...bind('password')}
      />
      <Button type="submit" pending={mutation.isPending} className="btn-block">
        Sign up
      </Button>
    </form>
  );
}
