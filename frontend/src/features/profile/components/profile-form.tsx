import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { PinIcon } from '@/components/ui/icons';
import { FieldShell, TextAreaField, TextField, describedBy } from '@/components/ui/field';
import { TagInput } from '@/components/ui/tag-input';
import { apiLimits } from '@/lib/api-limits';
import { placeOf } from '@/lib/format';
import { useFormErrors } from '@/lib/form-errors';
import type { Me, ProfileUpdate } from '@/types/api';
import { useUpdateMe, type ProfileInput } from '../api/update-me';

export const DEFAULT_RADIUS = 25;
/** What the server accepts (PATCH /api/me), from its OpenAPI document. */
const LIMITS = apiLimits.ProfileUpdate;
const ZIP_PATTERN = new RegExp(LIMITS.zip_code.pattern);
const ZIP_DIGITS = LIMITS.zip_code.maxLength;
export const ZIP_TOO_LONG = `A US ZIP code has ${ZIP_DIGITS} digits: the extra digit was not added.`;
const FIELDS = [
  'display_name',
  'bio',
  'hobbies',
  'interests',
  'zip_code',
  'friend_radius_miles',
  'birthdate',
] as const;

const FIELD_LABELS: Record<string, string> = {
  display_name: 'display name',
  hobbies: 'at least one hobby',
  interests: 'at least one interest',
  zip_code: 'ZIP code',
  friend_radius_miles: 'friend radius',
  birthdate: 'birthdate',
};

/**
 * The missing fields as a sentence. The friend radius is only named when nothing else is missing:
 * the slider always shows a value and every save sends it, so listing it beside fields the person
 * has yet to fill would suggest there is something more to do.
 */
export function missingFieldsSentence(fields: string[]): string {
  const listed = fields.length > 1 ? fields.filter((field) => field !== 'friend_radius_miles') : fields;
  const names = listed.map((field) => FIELD_LABELS[field] ?? field.replace(/_/g, ' '));
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * The PATCH body: only what the person filled in, since the API takes any subset of the fields and
 * rejects an empty ZIP code or tag list. The radius slider always has a value, so it is always sent;
 * the bio is sent when written or when a saved one is being cleared.
 */
function filledFields(values: ProfileInput, me: Me): ProfileUpdate {
  const body: ProfileUpdate = {
    display_name: values.display_name.trim(),
    friend_radius_miles: values.friend_radius_miles,
  };
  if (values.bio.trim() || me.bio) body.bio = values.bio;
  if (values.hobbies.length > 0) body.hobbies = values.hobbies;
  if (values.interests.length > 0) body.interests = values.interests;
  if (values.zip_code.trim()) body.zip_code = values.zip_code.trim();
  if (values.birthdate && values.birthdate !== me.birthdate) body.birthdate = values.birthdate;
  return body;
}

function initialValues(me: Me): ProfileInput {
  return {
    display_name: me.display_name ?? '',
    bio: me.bio ?? '',
    hobbies: me.hobbies ?? [],
    interests: me.interests ?? [],
    zip_code: me.zip_code ?? '',
    friend_radius_miles: me.friend_radius_miles ?? DEFAULT_RADIUS,
    birthdate: me.birthdate ?? '',
  };
}

export function ProfileForm({ me, onSaved }: { me: Me; onSaved?: (me: Me) => void }) {
  const [values, setValues] = useState<ProfileInput>(() => initialValues(me));
  const [saved, setSaved] = useState(false);
  const mutation = useUpdateMe({
    onSuccess: (next) => {
      setSaved(true);
      onSaved?.(next);
    },
  });
  const { formError, errorFor, passes, flag, clear } = useFormErrors(mutation.error, FIELDS);

  const set = <K extends keyof ProfileInput>(field: K, value: ProfileInput[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    setSaved(false);
    clear(field);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!values.display_name.trim()) errors.display_name = 'Tell people what to call you.';
    if ((values.zip_code || me.zip_code) && !ZIP_PATTERN.test(values.zip_code.trim())) {
      errors.zip_code = `Enter a ${ZIP_DIGITS}-digit US ZIP code.`;
    }
    // An emptied field is not sent, so a saved one would silently stay: say so instead.
    if (values.hobbies.length === 0 && me.hobbies.length > 0) errors.hobbies = 'Keep at least one hobby.';
    if (values.interests.length === 0 && me.interests.length > 0) {
      errors.interests = 'Keep at least one interest.';
    }
    if (!passes(errors)) return;
    mutation.mutate(filledFields(values, me));
  };

  // The place shown is the one the saved ZIP resolved to; an edited ZIP resolves on save.
  const savedPlace = (me.zip_code && me.zip_code === values.zip_code.trim() && placeOf(me)) || null;

  const radiusId = 'friend-radius';
  const radiusError = errorFor('friend_radius_miles');

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      {formError && <Alert>{formError}</Alert>}
      <TextField
        label="Display name"
        name="display_name"
        autoComplete="nickname"
        dir="auto"
        maxLength={LIMITS.display_name.maxLength}
        value={values.display_name}
        onChange={(event) => set('display_name', event.target.value)}
        error={errorFor('display_name')}
      />
      <TextAreaField
        label="Bio"
        name="bio"
        dir="auto"
        rows={4}
        maxLength={LIMITS.bio.maxLength}
        value={values.bio}
        onChange={(event) => set('bio', event.target.value)}
        error={errorFor('bio')}
        hint={`${values.bio.length}/${LIMITS.bio.maxLength}`}
      />
      <TagInput
        label="Hobbies"
        itemName="hobby"
        max={LIMITS.hobbies.maxItems}
        maxLength={LIMITS.hobbies.items.maxLength}
        placeholder="e.g. hiking, board games"
        value={values.hobbies}
        onChange={(tags) => set('hobbies', tags)}
        error={errorFor('hobbies')}
      />
      <TagInput
        label="Interests"
        itemName="interest"
        max={LIMITS.interests.maxItems}
        maxLength={LIMITS.interests.items.maxLength}
        placeholder="e.g. jazz, astronomy"
        value={values.interests}
        onChange={(tags) => set('interests', tags)}
        error={errorFor('interests')}
      />
      <TextField
        label="ZIP code"
        name="zip_code"
        inputMode="numeric"
        autoComplete="postal-code"
        value={values.zip_code}
        // Only the digits count, so a pasted " 94103" or "ZIP 94103" works (a maxLength would cut
        // it before the non-digits are dropped). One digit too many is refused out loud: cutting
        // it silently would save a different ZIP code than the one typed.
        onChange={(event) => {
          // A pasted ZIP+4 ("94103-1234") is the five-digit ZIP code and its delivery route.
          const digits = event.target.value.replace(/^\s*(\d{5})-\d{4}\s*$/, '$1').replace(/\D/g, '');
          if (digits.length > ZIP_DIGITS) {
            flag('zip_code', ZIP_TOO_LONG);
            return;
          }
          set('zip_code', digits);
        }}
        error={errorFor('zip_code')}
        hint={
          savedPlace ? (
            <span className="place" data-testid="zip-place">
              <PinIcon size={14} /> {savedPlace}
            </span>
          ) : (
            'Only your city is shown to others, never your ZIP code.'
          )
        }
      />
      <TextField
        label="Birthdate"
        name="birthdate"
        type="date"
        autoComplete="bday"
        value={values.birthdate}
        onChange={(event) => set('birthdate', event.target.value)}
        error={errorFor('birthdate')}
        hint={me.age !== null ? `Others see your age (${me.age}), never this date.` : 'Others see your age, never this date.'}
      />
      <FieldShell id={radiusId} label="Friend radius (miles)" error={radiusError}>
        <div className="range-row">
          <input
            id={radiusId}
            className="range"
            type="range"
            min={LIMITS.friend_radius_miles.minimum}
            max={LIMITS.friend_radius_miles.maximum}
            step={1}
            value={values.friend_radius_miles}
            onChange={(event) => set('friend_radius_miles', Number(event.target.value))}
            aria-valuetext={`${values.friend_radius_miles} miles`}
            aria-invalid={radiusError ? true : undefined}
            aria-describedby={describedBy(radiusId, radiusError)}
          />
          <output htmlFor={radiusId} className="range-value">
            {values.friend_radius_miles} mi
          </output>
        </div>
      </FieldShell>
      <div className="form-actions">
        <Button type="submit" pending={mutation.isPending}>
          Save profile
        </Button>
        {saved && !mutation.isPending && (
          <span className="saved-note" role="status">
            Saved
            {mutation.data && !mutation.data.profile_complete
              ? ' — still missing ' + missingFieldsSentence(mutation.data.missing_fields)
              : ''}
          </span>
        )}
      </div>
    </form>
  );
}
