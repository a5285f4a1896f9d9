import { ApiError } from './api-client';

export type FormErrors = {
  /** Messages keyed by the API's field names, only for fields this form shows. */
  fields: Record<string, string>;
  /** A message for the top of the form when the error cannot be pinned on a shown field. */
  form: string | null;
};

export const NO_ERRORS: FormErrors = { fields: {}, form: null };

/** Splits a failed request's error between the form's inputs and the form as a whole. */
export function formErrorsFrom(error: unknown, shownFields: readonly string[]): FormErrors {
  if (!error) return NO_ERRORS;
  if (!(error instanceof ApiError)) {
    return { fields: {}, form: 'Something went wrong. Please try again.' };
  }
  const fields: Record<string, string> = {};
  const unplaced: string[] = [];
  for (const [field, messages] of Object.entries(error.fields)) {
    const text = messages.join(' ');
    if (shownFields.includes(field)) fields[field] = text;
    else unplaced.push(text);
  }
  const placedSome = Object.keys(fields).length > 0;
  let form: string | null = null;
  if (unplaced.length > 0) form = unplaced.join(' ');
  else if (!placedSome) form = error.message;
  return { fields, form };
}
