import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { ApiError } from '@/lib/api-client';
import type { Match, Profile } from '@/types/api';
import { dropFromDeck, useCreateSwipe } from '../api/create-swipe';
import { useDiscover } from '../api/get-discover';
import { useUndoSwipe } from '../api/undo-swipe';
import { useWidenRadius } from '../api/widen-radius';
import { ProfileCard } from './profile-card';

export function DiscoverDeck({
  onMatch,
  onProfileIncomplete,
  paused = false,
  emptyAction,
  renderMenu,
}: {
  onMatch: (match: Match) => void;
  onProfileIncomplete: (error: ApiError) => void;
  /** True while something else (the match dialog) owns the screen and the keyboard. */
  paused?: boolean;
  /** What to offer when nobody is left (e.g. a link to widen the radius). */
  emptyAction?: ReactNode;
  /** The "More" menu for the person on top (the app supplies report and block). */
  renderMenu?: (profile: Profile) => ReactNode;
}) {
  const queryClient = useQueryClient();
  const discover = useDiscover();
  const swipe = useCreateSwipe();
  const undo = useUndoSwipe();
  const widen = useWidenRadius();
  const [swipeError, setSwipeError] = useState<string | null>(null);
  // The last person decided about without a match, whom Undo can bring back.
  const [undoable, setUndoable] = useState<{ profile: Profile; liked: boolean } | null>(null);

  const incomplete =
    discover.error instanceof ApiError && discover.error.code === 'profile_incomplete'
      ? discover.error
      : null;
  useEffect(() => {
    if (incomplete) onProfileIncomplete(incomplete);
  }, [incomplete, onProfileIncomplete]);

  const current = discover.data?.users[0];
  const busy = swipe.isPending;

  const loading = discover.isPending || (discover.isFetching && !current);

  // A decision removes its card together with the focused Yes / No, and the match dialog then
  // returns focus to that button, which is gone: focus falls to <body> and a keyboard user has
  // to start again from the top of the page. When the card on top changes, or the dialog closes,
  // with nothing focused, focus goes on to the next card (or the "seen everyone" title). Not on
  // the first load: focus stays where the page put it.
  const card = useRef<HTMLElement>(null);
  const emptyTitle = useRef<HTMLHeadingElement>(null);
  const view = paused ? 'paused' : loading ? 'loading' : (current?.id ?? 'no card');
  const shownView = useRef<typeof view | null>(null);
  useEffect(() => {
    if (view === 'loading') return; // compare what comes next with what was shown before
    const before = shownView.current;
    shownView.current = view;
    if (before === null || before === view || view === 'paused') return;
    if (document.activeElement === null || document.activeElement === document.body) {
      (card.current ?? emptyTitle.current)?.focus();
    }
  }, [view]);

  // Set in the same tick as the click: `busy` comes from a later render, too late to stop the
  // second click of a double-click from sending the same swipe again (a 409).
  const deciding = useRef(false);

  const decide = useCallback(
    (liked: boolean) => {
      if (!current || busy || deciding.current) return;
      deciding.current = true;
      setSwipeError(null);
      const decided = current;
      swipe.mutate(
        { user_id: current.id, liked },
        {
          onSuccess: (data) => {
            setUndoable(data.match ? null : { profile: decided, liked });
            if (data.match) onMatch(data.match);
          },
          onError: (error) => {
            if (error instanceof ApiError && error.code === 'profile_incomplete') {
              onProfileIncomplete(error);
            } else if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
              // Already decided elsewhere, or that person is gone: move on.
              dropFromDeck(queryClient, current.id);
            } else {
              setSwipeError(error instanceof ApiError ? error.message : 'Could not save that. Try again.');
            }
          },
          onSettled: () => {
            deciding.current = false;
          },
        },
      );
    },
    [current, busy, swipe, onMatch, onProfileIncomplete, queryClient],
  );

  const undoBar = undoable && (
    <div className="undo-bar">
      <span className="muted">
        You said {undoable.liked ? 'Yes' : 'No'} to {undoable.profile.display_name || undoable.profile.username}.
      </span>
      <Button
        variant="secondary"
        className="btn-small"
        pending={undo.isPending}
        onClick={() =>
          undo.mutate(undoable.profile, {
            onSuccess: () => setUndoable(null),
            onError: (error) => {
              setUndoable(null);
              setSwipeError(error instanceof ApiError ? error.message : 'Could not undo. Try again.');
            },
          })
        }
      >
        Undo
      </Button>
    </div>
  );

  if (loading) {
    return <LoadingState label="Finding people near you…" />;
  }
  if (incomplete) return <LoadingState label="Taking you to your profile…" />;
  if (discover.isError) {
    return (
      <ErrorState
        title="Could not load people nearby"
        message={discover.error instanceof ApiError ? discover.error.message : undefined}
        onRetry={() => void discover.refetch()}
      />
    );
  }
  if (!current) {
    // The nearest wider radius that brings anyone; the server counts only on an empty page.
    const offer = discover.data?.wider?.find((reach) => reach.count > 0);
    return (
      <>
        {swipeError && <Alert>{swipeError}</Alert>}
        {undoBar}
        <EmptyState title="You've seen everyone nearby" titleRef={emptyTitle}>
          <p>
            {offer
              ? 'There are more people a little farther away.'
              : 'New people join every day. Check back later, or widen your friend radius to see people farther away.'}
          </p>
          {widen.error && (
            <Alert>{widen.error instanceof ApiError ? widen.error.message : 'Could not change your radius.'}</Alert>
          )}
          <div className="state-actions">
            {offer && (
              <Button pending={widen.isPending} onClick={() => widen.mutate(offer.radius_miles)}>
                Widen to {offer.radius_miles} miles — {offer.count} {offer.count === 1 ? 'person' : 'people'}
              </Button>
            )}
            <Button variant="secondary" onClick={() => void discover.refetch()}>
              Check again
            </Button>
            {!offer && emptyAction}
          </div>
        </EmptyState>
      </>
    );
  }

  return (
    <div className="deck">
      {swipeError && <Alert>{swipeError}</Alert>}
      {undoBar}
      <ProfileCard
        key={current.id}
        ref={card}
        profile={current}
        onDecide={decide}
        disabled={busy}
        keyboard={!paused}
        menu={renderMenu?.(current)}
      />
    </div>
  );
}
