import { useId, useState, type KeyboardEvent } from 'react';
import { FieldShell, describedBy } from './field';

export type TagInputProps = {
  label: string;
  value: string[];
  onChange: (tags: string[]) => void;
  error?: string;
  /** The most tags (the server's limit, from the API's schema). */
  max: number;
  /** The longest tag in characters (the server's limit). */
  maxLength: number;
  placeholder?: string;
  /** Word used in the remove buttons: "Remove hobby: hiking". */
  itemName?: string;
};

/**
 * Adds the pending text to the tags: trimmed, de-duplicated case-insensitively, at most `max`.
 * A tag longer than `maxLength` is neither added nor cut (a cut tag says something else): it
 * comes back in `tooLong` for the person to shorten.
 */
export function addTags(
  current: string[],
  text: string,
  max: number,
  maxLength: number,
): { tags: string[]; tooLong: string[] } {
  const tags = [...current];
  const tooLong: string[] = [];
  for (const raw of text.split(',')) {
    const tag = raw.trim();
    if (!tag) continue;
    if (tag.length > maxLength) {
      tooLong.push(tag);
      continue;
    }
    if (tags.some((existing) => existing.toLowerCase() === tag.toLowerCase())) continue;
    if (tags.length >= max) break;
    tags.push(tag);
  }
  return { tags, tooLong };
}

/**
 * A text input that turns what is typed into tags: Enter or a comma adds the tag, Backspace in
 * the empty input removes the last one, leaving the field keeps what was typed.
 */
export function TagInput({
  label,
  value,
  onChange,
  error,
  max,
  maxLength,
  placeholder = 'Type and press Enter',
  itemName = 'tag',
}: TagInputProps) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const full = value.length >= max;

  const commit = (text: string) => {
    const { tags, tooLong } = addTags(value, text, max, maxLength);
    if (tags.length !== value.length) onChange(tags);
    setDraft(tooLong.join(', '));
  };

  // Said while typing, and after Enter, which leaves a too-long tag in the field to shorten.
  const longest = Math.max(0, ...draft.split(',').map((tag) => tag.trim().length));
  const lengthError =
    longest > maxLength ? `Up to ${maxLength} characters per ${itemName}: this one has ${longest}.` : undefined;
  const shownError = [lengthError, error].filter(Boolean).join(' ') || undefined;

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault();
      commit(draft);
    } else if (event.key === 'Backspace' && draft === '' && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  };

  const hint = `${value.length}/${max}. Press Enter or type a comma to add.`;

  return (
    <FieldShell id={id} label={label} error={shownError} hint={hint}>
      <div className={`tag-input${shownError ? ' tag-input-invalid' : ''}`}>
        {value.length > 0 && (
          <ul className="tag-list" aria-label={`${label} added`}>
            {value.map((tag) => (
              <li key={tag.toLowerCase()} className="tag">
                <span dir="auto">{tag}</span>
                <button
                  type="button"
                  className="tag-remove"
                  aria-label={`Remove ${itemName}: ${tag}`}
                  onClick={() => onChange(value.filter((existing) => existing !== tag))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <input
          id={id}
          className="tag-input-field"
          dir="auto"
          value={draft}
          placeholder={full ? `Up to ${max}` : placeholder}
          disabled={full}
          maxLength={maxLength * 3}
          aria-invalid={shownError ? true : undefined}
          aria-describedby={describedBy(id, shownError, hint)}
          onChange={(event) => {
            const text = event.target.value;
            if (text.includes(',')) commit(text);
            else setDraft(text);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => draft.trim() && commit(draft)}
          enterKeyHint="done"
          autoComplete="off"
        />
      </div>
    </FieldShell>
  );
}
