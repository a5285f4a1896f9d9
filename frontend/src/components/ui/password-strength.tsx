import { useEffect, useState } from 'react';
import type zxcvbnFunction from 'zxcvbn';

// zxcvbn is the same estimator the server checks with (score < 3 is refused). It is large, so it
// is loaded on first use, in its own chunk, and never counts against the initial download.
type Zxcvbn = typeof zxcvbnFunction;
let loading: Promise<Zxcvbn> | null = null;
function loadZxcvbn(): Promise<Zxcvbn> {
  loading ??= import('zxcvbn').then((module) => module.default);
  return loading;
}

const LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'];
export const MIN_SCORE = 3;
const DEBOUNCE_MS = 150;

export type Strength = { score: number; label: string; feedback: string };

/** The estimate of a password (null until the estimator has loaded or while the field is empty). */
export function usePasswordStrength(password: string, userInputs: string[] = []): Strength | null {
  const [strength, setStrength] = useState<Strength | null>(null);
  const inputs = userInputs.filter(Boolean).join('\n');
  useEffect(() => {
    if (!password) return;
    let current = true;
    // Rate the password once typing pauses, not on every keystroke.
    const timer = setTimeout(() => {
      void loadZxcvbn().then((zxcvbn) => {
        if (!current) return;
        const result = zxcvbn(password.slice(0, 128), inputs ? inputs.split('\n') : []);
        const feedback = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
        setStrength({ score: result.score, label: LABELS[result.score] ?? '', feedback });
      });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [password, inputs]);
  // While typing, the last estimate stays until the new one is ready; an empty field shows none.
  return password ? strength : null;
}

/** A five-step meter under a new-password field, with what would make the password stronger. */
export function PasswordStrength({ password, userInputs }: { password: string; userInputs?: string[] }) {
  const strength = usePasswordStrength(password, userInputs);
  if (!strength) return null;
  const enough = strength.score >= MIN_SCORE;
  return (
    <div className={`strength strength-${strength.score}`} data-testid="password-strength">
      <meter
        className="strength-meter"
        min={0}
        max={4}
        low={2}
        high={3}
        optimum={4}
        value={strength.score}
        aria-label="Strength"
        aria-valuetext={strength.label}
      />
      <p className="strength-text" aria-live="polite">
        Strength: <strong>{strength.label}</strong>
        {enough ? '' : ` — ${strength.feedback || 'add another word or two.'}`}
      </p>
    </div>
  );
}
