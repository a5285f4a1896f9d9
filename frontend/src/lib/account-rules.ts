import { apiLimits } from './api-limits';

// Every form that takes an address or sets a password checks it the same way the server does
// (the limits are generated from its schemas; Signup's equal those of the other forms).
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const EMAIL_MAX = apiLimits.Signup.email.maxLength;
export const NEW_PASSWORD = apiLimits.Signup.password;

/** Whether a trimmed value looks like an email address the server accepts. */
export function isEmailAddress(value: string): boolean {
  return EMAIL_PATTERN.test(value) && value.length <= EMAIL_MAX;
}

/** Why a new password cannot be sent (its length is outside the server's limits), or undefined. */
export function newPasswordError(password: string): string | undefined {
  if (password.length >= NEW_PASSWORD.minLength && password.length <= NEW_PASSWORD.maxLength) return undefined;
  return `Use ${NEW_PASSWORD.minLength}–${NEW_PASSWORD.maxLength} characters.`;
}
