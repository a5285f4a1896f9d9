import { useState, type FormEvent } from 'react';
import { EmailField, NewPasswordField } from '@/components/ui/account-fields';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { apiLimits } from '@/lib/api-limits';
import { isEmailAddress, NEW_PASSWORD, newPasswordError } from '@/lib/account-rules';
import { useFormErrors } from '@/lib/form-errors';
import type { Me } from '@/types/api';
import { useSignup } from '../api/signup';
import { useTextFields } from '../hooks/use-text-fields';
import { completeAuthentication } from './auth-success';

const FIELDS = ['username', 'email', 'password', 'birthdate'] as const;
type Field = (typeof FIELDS)[number];

const LIMITS = apiLimits.Signup;
const USERNAME = new RegExp(LIMITS.username.pattern);

/** Whole years from an ISO date to today, in the person's own calendar. */
export function ageOn(birthdate: string, today = new Date()): number {
  const [year = 0, month = 0, day = 0] = birthdate.split('-').map(Number);
  const beforeBirthday = today.getMonth() + 1 < month || (today.getMonth() + 1 === month && today.getDate() < day);
  return today.getFullYear() - year - (beforeBirthday ? 1 : 0);
}

function validate(values: Record<Field, string>): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  if (!USERNAME.test(values.username.trim())) {
    errors.username = 'Use 3–30 letters, digits, dots or underscores.';
  }
  if (!isEmailAddress(values.email.trim())) errors.email = 'Enter a valid email address.';
  const passwordError = newPasswordError(values.password);
  if (passwordError) errors.password = passwordError;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(values.birthdate)) errors.birthdate = 'Enter your date of birth.';
  else if (ageOn(values.birthdate) < 18) errors.birthdate = 'Friender is for adults: you must be 18 or older.';
  return errors;
}

export function SignupForm({ onAuthenticated }: { onAuthenticated?: (user: Me) => void }) {
  const [sessionError, setSessionError] = useState<string | null>(null);
  const mutation = useSignup({
    onSuccess: (data) => {
      if (!completeAuthentication(data, onAuthenticated)) {
        setSessionError('Your account was created but we could not sign you in. Please log in.');
      }
    },
  });
  const formErrors = useFormErrors(mutation.error, FIELDS);
  const { formError, passes } = formErrors;
  const { values, bind } = useTextFields<Field>({ username: '', email: '', password: '', birthdate: '' }, formErrors);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!passes(validate(values))) return;
    mutation.mutate({
      username: values.username.trim(),
      email: values.email.trim(),
      password: values.password,
      birthdate: values.birthdate,
    });
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      {formError && <Alert>{formError}</Alert>}
      {sessionError && <Alert>{sessionError}</Alert>}
      <TextField label="Username" name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} required {...bind('username')} />
      <EmailField label="Email" name="email" required {...bind('email')} />
      <NewPasswordField
        label="Password"
        name="password"
        required
        hint={`At least ${NEW_PASSWORD.minLength} characters, hard to guess: a few unrelated words work well.`}
        userInputs={[values.username, values.email]}
        {...bind('password')}
      />
      <TextField
        label="Birthdate"
        name="birthdate"
        type="date"
        autoComplete="bday"
        required
        hint="Friender is for adults. Others see your age, never your birthdate."
        {...bind('birthdate')}
      />
      <Button type="submit" pending={mutation.isPending} className="btn-block">
        Sign up
      </Button>
    </form>
  );
}
