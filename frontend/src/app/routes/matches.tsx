import { Link } from 'react-router';
import { MatchesList } from '@/features/matches/components/matches-list';
import { useSignedInUserId } from '@/lib/session';
import { useDocumentTitle } from '@/lib/use-document-title';

export default function MatchesRoute() {
  useDocumentTitle('Matches');
  const userId = useSignedInUserId();
  return (
    <div className="page matches-page">
      <h1>Matches</h1>
      <MatchesList
        userId={userId}
        emptyAction={
          <Link to="/discover" className="btn btn-primary">
            Discover people
          </Link>
        }
      />
    </div>
  );
}
