import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Avatar } from '@/components/ui/avatar';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { getMessagesQueryOptions } from '@/features/chat/api/get-messages';
import { ChatView } from '@/features/chat/components/chat-view';
import { getHangoutsQueryOptions } from '@/features/hangouts/api/get-hangouts';
import { HangoutsPanel } from '@/features/hangouts/components/hangouts-panel';
import { useMatch } from '@/features/matches/api/get-matches';
import { useUnmatch } from '@/features/matches/api/unmatch';
import { ProfileSheet } from '@/features/matches/components/profile-sheet';
import { ApiError } from '@/lib/api-client';
import { displayNameOf, photosInOrder, placeOf } from '@/lib/format';
import { useSignedInUserId } from '@/lib/session';
import { useDocumentTitle } from '@/lib/use-document-title';
import { PersonSafetyMenu } from '../person-safety-menu';

export default function ChatRoute() {
  const params = useParams();
  const matchId = Number(params.id);
  const userId = useSignedInUserId();
  const match = useMatch(matchId);
  // Both reads start with the page, side by side. The plans sit above the log, so the log waits
  // for their first answer: shown earlier, it would be pushed down when they land (a layout
  // shift on every first visit). A failed read never holds the conversation up, nor does the
  // next attempt: the panel's mount retries an errored query, which is pending again.
  const validId = Number.isInteger(matchId) && matchId > 0;
  const plans = useQuery({ ...getHangoutsQueryOptions(matchId), enabled: validId });
  useInfiniteQuery({ ...getMessagesQueryOptions(matchId), enabled: validId });
  const plansSettling = plans.isPending && plans.failureCount === 0 && plans.errorUpdateCount === 0;
  const unmatch = useUnmatch();
  const navigate = useNavigate();
  const [confirmingUnmatch, setConfirmingUnmatch] = useState(false);
  const [viewingProfile, setViewingProfile] = useState(false);
  const name = match.data ? displayNameOf(match.data.user) : '';
  useDocumentTitle(name ? `Chat with ${name}` : 'Chat');

  const notFound = (
    <EmptyState
      title="Conversation not found"
      action={
        <Link to="/matches" className="btn btn-primary">
          Back to matches
        </Link>
      }
    >
      <p>This match may have ended.</p>
    </EmptyState>
  );

  if (!validId) return notFound;
  if (match.isPending) return <LoadingState label="Loading conversation…" />;
  if (match.isError) {
    return (
      <ErrorState
        message={match.error instanceof ApiError ? match.error.message : undefined}
        onRetry={() => void match.refetch()}
      />
    );
  }
  if (!match.data) return notFound;

  const partner = match.data.user;
  const photo = photosInOrder(partner)[0];
  const place = placeOf(partner);

  return (
    <div className="page chat-page">
      <div className="chat-head">
        <Link to="/matches" className="icon-btn" aria-label="Back to matches">
          ←
        </Link>
        <button
          type="button"
          className="chat-head-avatar"
          aria-label={`View ${name}'s profile`}
          onClick={() => setViewingProfile(true)}
        >
          <Avatar photo={photo} name={name} size={44} />
        </button>
        <div className="chat-head-text">
          <h1 className="chat-title" title={name} dir="auto">
            {name}
          </h1>
          <span className="muted">
            {place && `${place} · `}
            <button type="button" className="link-button" onClick={() => setViewingProfile(true)}>
              View profile
            </button>
          </span>
        </div>
        <PersonSafetyMenu
          person={partner}
          extraItems={[{ label: 'Unmatch', danger: true, onSelect: () => setConfirmingUnmatch(true) }]}
          // The match ends with the block: leave the conversation.
          onBlocked={() => void navigate('/matches', { replace: true })}
        />
      </div>
      {plansSettling ? (
        <LoadingState label="Loading conversation…" />
      ) : (
        <>
          <HangoutsPanel
            key={`plans-${matchId}`}
            matchId={matchId}
            userId={userId}
            partnerName={name}
            sharedTags={partner.shared_interests ?? []}
          />
          <ChatView key={matchId} matchId={matchId} userId={userId} partnerName={name} />
        </>
      )}
      {viewingProfile && <ProfileSheet profile={partner} onClose={() => setViewingProfile(false)} />}
      {confirmingUnmatch && (
        <ConfirmDialog
          title={`Unmatch ${name}?`}
          confirmLabel="Unmatch"
          pending={unmatch.isPending}
          error={
            unmatch.error
              ? unmatch.error instanceof ApiError
                ? unmatch.error.message
                : 'Could not unmatch. Please try again.'
              : null
          }
          onCancel={() => setConfirmingUnmatch(false)}
          onConfirm={() =>
            unmatch.mutate(matchId, { onSuccess: () => void navigate('/matches', { replace: true }) })
          }
        >
          <p>The conversation will be gone for both of you.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
