import { useState } from 'react';
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

type Findings = Partial<Record<string, string>>;

/**
 * A form's errors: under each field, the form's own check first, then the server's answer; at
 * the top, what the server said that no shown field can carry.
 */
export function useFormErrors(serverError: unknown, shownFields: readonly string[]) {
  const [findings, setFindings] = useState<Findings>({});
  const server = formErrorsFrom(serverError, shownFields);
  return {
    formError: server.form,
    errorFor: (field: string): string | undefined => findings[field] ?? server.fields[field],
    /** Shows the form's own findings (replacing earlier ones); true when there are none to show. */
    passes: (next: Findings): boolean => {
      setFindings(next);
      return !Object.values(next).some(Boolean);
    },
    /** Shows one finding while the person types. */
    flag: (field: string, message: string) => setFindings((current) => ({ ...current, [field]: message })),
    /** Drops a field's finding once the person edits the field. */
    clear: (field: string) =>
      setFindings((current) => {
        if (!current[field]) return current;
        const { [field]: _removed, ...rest } = current;
        return rest;
      }),
  };
}
