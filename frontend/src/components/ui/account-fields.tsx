import type { ComponentProps, ReactNode } from 'react';
import { TextField } from './field';
import { PasswordStrength } from './password-strength';

type FieldProps = Omit<ComponentProps<typeof TextField>, 'type' | 'autoComplete' | 'value'> & { value: string };

/** An email address input, as every account form asks for it. */
export function EmailField(props: FieldProps) {
  return <TextField type="email" autoComplete="email" {...props} />;
}

type NewPasswordFieldProps = FieldProps & {
  /** Words the password should not be built from (the username, the address). */
  userInputs?: string[];
  hint?: ReactNode;
};

/** A new password input with the strength meter under it, after any hint of the form's own. */
export function NewPasswordField({ userInputs, hint, ...props }: NewPasswordFieldProps) {
  return (
    <TextField
      type="password"
      autoComplete="new-password"
      hint={
        <>
          {hint}
          <PasswordStrength password={props.value} userInputs={userInputs} />
        </>
      }
      {...props}
    />
  );
}
