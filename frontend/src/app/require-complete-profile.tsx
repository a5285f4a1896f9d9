import type { ReactNode } from 'react';
import { Navigate } from 'react-router';
import { ErrorState, LoadingState } from '@/components/ui/states';
import { useMe } from '@/features/profile/api/get-me';
import { ApiError } from '@/lib/api-client';

export const COMPLETE_PROFILE_NOTICE = 'Finish your profile to start meeting people nearby.';

/** New users fill in their profile before they can discover anyone. */
export function RequireCompleteProfile({ children }: { children: ReactNode }) {
  const me = useMe();
  if (me.isPending) return <LoadingState />;
  if (me.isError) {
    return (
      <ErrorState
        message={me.error instanceof ApiError ? me.error.message : undefined}
        onRetry={() => void me.refetch()}
      />
    );
  }
  if (!me.data.profile_complete) {
    return <Navigate to="/profile" replace state={{ notice: COMPLETE_PROFILE_NOTICE }} />;
  }
  return children;
}
