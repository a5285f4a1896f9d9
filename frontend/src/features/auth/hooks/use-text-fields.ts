import { useState } from 'react';

type FieldErrors<Field extends string> = {
  errorFor: (field: Field) => string | undefined;
  clear: (field: Field) => void;
};

/** A form's text values, and the props that tie each field to its input and its error (see useFormErrors). */
export function useTextFields<Field extends string>(initial: Record<Field, string>, errors: FieldErrors<Field>) {
  const [values, setValues] = useState(initial);
  const bind = (field: Field) => ({
    value: values[field],
    onChange: (event: { target: { value: string } }) => {
      setValues((current) => ({ ...current, [field]: event.target.value }));
      errors.clear(field);
    },
    error: errors.errorFor(field),
  });
  return { values, bind };
}
