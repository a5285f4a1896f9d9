import { Navigate, useParams } from 'react-router';
import { LoadingState } from '@/components/ui/states';
import { CaseView } from '@/features/moderation/components/case-view';
import { AuditLog, ModerationQueue } from '@/features/moderation/components/moderation-queue';
import { useMe } from '@/features/profile/api/get-me';
import { useDocumentTitle } from '@/lib/use-document-title';

/** Moderators only: anyone else is sent on to discovery (the API answers them 404 anyway). */
function useModerator() {
  const me = useMe();
  return { pending: me.isPending, allowed: me.data?.is_moderator === true };
}

export default function ModerationRoute() {
  useDocumentTitle('Moderation');
  const { pending, allowed } = useModerator();
  if (pending) return <LoadingState />;
  if (!allowed) return <Navigate to="/discover" replace />;
  return (
    <div className="page moderation-page">
      <div className="page-head">
        <h1>Moderation</h1>
      </div>
      <ModerationQueue />
      <AuditLog />
    </div>
  );
}

export function ModerationCaseRoute() {
  useDocumentTitle('Moderation case');
  const { pending, allowed } = useModerator();
  const userId = Number(useParams().id);
  if (pending) return <LoadingState />;
  if (!allowed) return <Navigate to="/discover" replace />;
  return <CaseView userId={userId} />;
}
