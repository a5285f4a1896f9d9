import { useId, useState, type KeyboardEvent } from 'react';
import { FieldShell, describedBy } from './field';

export type TagInputProps = {
  label: string;
  value: string[];
  onChange: (tags: string[]) => void;
  error?: string;
  max?: number;
  maxLength?: number;
  placeholder?: string;
  /** Word used in the remove buttons: "Remove hobby: hiking". */
  itemName?: string;
};

/** Adds the pending text to the tags: trimmed, de-duplicated case-insensitively, bounded. */
export function addTags(current: string[], text: string, max: number, maxLength: number): string[] {
  const next = [...current];
  for (const raw of text.split(',')) {
    const tag = raw.trim().slice(0, maxLength);
    if (!tag) continue;
    if (next.some((existing) => existing.toLowerCase() === tag.toLowerCase())) continue;
    if (next.length >= max) break;
    next.push(tag);
  }
  return next;
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
  max = 10,
  maxLength = 30,
  placeholder = 'Type and press Enter',
  itemName = 'tag',
}: TagInputProps) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const full = value.length >= max;

  const commit = (text: string) => {
    const next = addTags(value, text, max, maxLength);
    if (next.length !== value.length) onChange(next);
    setDraft('');
  };

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
    <FieldShell id={id} label={label} error={error} hint={hint}>
      <div className={`tag-input${error ? ' tag-input-invalid' : ''}`}>
        {value.length > 0 && (
          <ul className="tag-list" aria-label={`${label} added`}>
            {value.map((tag) => (
              <li key={tag.toLowerCase()} className="tag">
                <span>{tag}</span>
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
          value={draft}
          placeholder={full ? `Up to ${max}` : placeholder}
          disabled={full}
          maxLength={maxLength * 3}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, error, hint)}
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
