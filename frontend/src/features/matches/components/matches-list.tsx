import { Link } from 'react-router';
import { Avatar } from '@/components/ui/avatar';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { ApiError } from '@/lib/api-client';
import { displayNameOf, formatTime, photosInOrder } from '@/lib/format';
import type { Match } from '@/types/api';
import { useMatches } from '../api/get-matches';

function MatchRow({ match, userId }: { match: Match; userId: number }) {
  const name = displayNameOf(match.user);
  const photo = photosInOrder(match.user)[0];
  const last = match.last_message;
  const unread = match.unread_count;
  return (
    <li>
      <Link to={`/matches/${match.id}`} className={`match-row${unread > 0 ? ' match-row-unread' : ''}`}>
        <Avatar photo={photo} name={name} size={56} />
        <span className="match-text">
          <span className="match-name" title={name} dir="auto">
            {name}
          </span>
          <span className="match-last">
            {last ? (
              <>
                {last.sender_id === userId ? 'You: ' : ''}
                <bdi>{last.body}</bdi>
              </>
            ) : (
              'New match — say hello!'
            )}
          </span>
        </span>
        <span className="match-side">
          <span className="match-time">{formatTime(last?.created_at ?? match.matched_at)}</span>
          {unread > 0 && (
            <span className="badge badge-unread" aria-label={`${unread} unread`}>
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </span>
      </Link>
    </li>
  );
}

export function MatchesList({ userId, emptyAction }: { userId: number; emptyAction?: React.ReactNode }) {
  const matches = useMatches();
  if (matches.isPending) return <LoadingState label="Loading your matches…" />;
  if (matches.isError) {
    return (
      <ErrorState
        title="Could not load your matches"
        message={matches.error instanceof ApiError ? matches.error.message : undefined}
        onRetry={() => void matches.refetch()}
      />
    );
  }
  if (matches.data.matches.length === 0) {
    return (
      <EmptyState title="No matches yet" action={emptyAction}>
        <p>When you and someone else both say yes, they show up here and you can start chatting.</p>
      </EmptyState>
    );
  }
  return (
    <ul className="match-list" aria-label="Matches">
      {matches.data.matches.map((match) => (
        <MatchRow key={match.id} match={match} userId={userId} />
      ))}
    </ul>
  );
}
