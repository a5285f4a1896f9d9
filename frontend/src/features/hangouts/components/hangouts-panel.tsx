import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { Hangout } from '@/types/api';
import { useHangouts } from '../api/get-hangouts';
import { HangoutCard } from './hangout-card';
import { ProposeHangoutDialog } from './propose-hangout-dialog';

/** Settled plans stay on show for a while (a decline or cancel is worth seeing), then step aside. */
const SETTLED_SHOWN = 2;

function isOpen(hangout: Hangout): boolean {
  return hangout.status === 'proposed' || hangout.status === 'accepted';
}

/** The plans of one match above its chat, and the button that proposes one. */
export function HangoutsPanel({
  matchId,
  userId,
  partnerName,
  sharedTags,
}: {
  matchId: number;
  userId: number;
  partnerName: string;
  sharedTags: string[];
}) {
  const hangouts = useHangouts(matchId);
  const [proposing, setProposing] = useState(false);
  const all = hangouts.data?.hangouts ?? [];
  const open = all.filter(isOpen);
  const settled = all.filter((h) => !isOpen(h)).slice(0, SETTLED_SHOWN);
  const shown = [...open, ...settled];

  return (
    <section className="hangouts" aria-label="Plans">
      {hangouts.isError && (
        <Alert>
          Could not load your plans.{' '}
          <button type="button" className="link-button" onClick={() => void hangouts.refetch()}>
            Try again
          </button>
        </Alert>
      )}
      {shown.length > 0 && (
        <ul className="hangout-list">
          {shown.map((hangout) => (
            <li key={hangout.id}>
              <HangoutCard hangout={hangout} userId={userId} partnerName={partnerName} />
            </li>
          ))}
        </ul>
      )}
      <Button variant="secondary" className="btn-small" onClick={() => setProposing(true)}>
        Plan a hangout
      </Button>
      {proposing && (
        <ProposeHangoutDialog
          matchId={matchId}
          partnerName={partnerName}
          sharedTags={sharedTags}
          onClose={() => setProposing(false)}
        />
      )}
    </section>
  );
}
