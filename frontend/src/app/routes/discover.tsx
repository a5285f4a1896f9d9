import { useCallback } from 'react';
import { Link, useNavigate } from 'react-router';
import { DiscoverDeck } from '@/features/discover/components/discover-deck';
import type { ApiError } from '@/lib/api-client';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useMatchCelebration } from '../match-celebration';
import { PersonSafetyMenu } from '../person-safety-menu';

export default function DiscoverRoute() {
  useDocumentTitle('Discover');
  const navigate = useNavigate();
  const { celebrate, current } = useMatchCelebration();
  const onProfileIncomplete = useCallback(
    (error: ApiError) => {
      void navigate('/profile', {
        replace: true,
        state: { notice: `${error.message} Finish your profile to start meeting people nearby.` },
      });
    },
    [navigate],
  );
  return (
    <div className="page discover-page">
      <h1 className="visually-hidden">Discover</h1>
      <DiscoverDeck
        onMatch={celebrate}
        onProfileIncomplete={onProfileIncomplete}
        paused={current !== null}
        renderMenu={(person) => <PersonSafetyMenu person={person} />}
        emptyAction={
          <Link to="/profile" className="btn btn-primary">
            Widen your radius
          </Link>
        }
      />
    </div>
  );
}
