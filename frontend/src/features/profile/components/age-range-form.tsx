import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { useFormErrors } from '@/lib/form-errors';
import type { Me } from '@/types/api';
import { useUpdateMe } from '../api/update-me';

const FIELDS = ['age_min', 'age_max'] as const;
const YOUNGEST = 18;
const OLDEST = 99;

/** Who discovery shows: people whose age is in this range and whose own range holds yours. */
export function AgeRangeForm({ me }: { me: Me }) {
  const [low, setLow] = useState(String(me.age_min));
  const [high, setHigh] = useState(String(me.age_max));
  const mutation = useUpdateMe();
  const { formError, errorFor, passes } = useFormErrors(mutation.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const ageMin = Number(low);
    const ageMax = Number(high);
    const errors: Record<string, string> = {};
    const outOfRange = (age: number) => !Number.isInteger(age) || age < YOUNGEST || age > OLDEST;
    if (outOfRange(ageMin)) errors.age_min = `Give an age from ${YOUNGEST} to ${OLDEST}.`;
    if (outOfRange(ageMax)) errors.age_max = `Give an age from ${YOUNGEST} to ${OLDEST}.`;
    if (!errors.age_min && !errors.age_max && ageMin > ageMax) {
      errors.age_min = 'The lowest age cannot be above the highest.';
    }
    if (!passes(errors)) return;
    mutation.mutate({ age_min: ageMin, age_max: ageMax });
  };

  const bind = (value: string, set: (value: string) => void, field: string) => ({
    type: 'number',
    inputMode: 'numeric' as const,
    min: YOUNGEST,
    max: OLDEST,
    value,
    onChange: (event: { target: { value: string } }) => {
      set(event.target.value);
      mutation.reset();
    },
    error: errorFor(field),
  });

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Age range">
      {formError && <Alert>{formError}</Alert>}
      <div className="age-range">
        <TextField label="Youngest age" name="age_min" {...bind(low, setLow, 'age_min')} />
        <TextField label="Oldest age" name="age_max" {...bind(high, setHigh, 'age_max')} />
      </div>
      <div className="form-actions">
        <Button type="submit" pending={mutation.isPending}>
          Save age range
        </Button>
        {mutation.isSuccess && (
          <span className="saved-note" role="status">
            Saved
          </span>
        )}
      </div>
    </form>
  );
}
