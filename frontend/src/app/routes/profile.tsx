import { Link, useLocation } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { ErrorState, LoadingState } from '@/components/ui/states';
import { AccountSection } from '@/features/account/components/account-section';
import { MyNotices } from '@/features/moderation/components/my-notices';
import { PhotoManager } from '@/features/photos/components/photo-manager';
import { useMe } from '@/features/profile/api/get-me';
import { missingFieldsSentence, ProfileForm } from '@/features/profile/components/profile-form';
import { BlockedList } from '@/features/safety/components/blocked-list';
import { ApiError } from '@/lib/api-client';
import { useDocumentTitle } from '@/lib/use-document-title';

export default function ProfileRoute() {
  useDocumentTitle('Your profile');
  const me = useMe();
  const location = useLocation();
  const notice = (location.state as { notice?: string } | null)?.notice;

  if (me.isPending) return <LoadingState label="Loading your profile…" />;
  if (me.isError) {
    return (
      <ErrorState
        title="Could not load your profile"
        message={me.error instanceof ApiError ? me.error.message : undefined}
        onRetry={() => void me.refetch()}
      />
    );
  }

  const profile = me.data;
  return (
    <div className="page profile-page">
      <div className="page-head">
        <h1>Your profile</h1>
        <span className="muted">@{profile.username}</span>
      </div>
      {!profile.profile_complete ? (
        <Alert tone="info">
          {notice ?? 'Finish your profile to start meeting people nearby.'}{' '}
          {profile.missing_fields.length > 0 && <>Still needed: {missingFieldsSentence(profile.missing_fields)}.</>}
        </Alert>
      ) : (
        <Alert tone="success">
          Your profile is ready. <Link to="/discover">Start discovering people →</Link>
        </Alert>
      )}
      <div className="profile-columns">
        <section className="card" aria-labelledby="about-heading">
          <h2 id="about-heading">About you</h2>
          <ProfileForm key={profile.id} me={profile} />
        </section>
        <PhotoManager />
      </div>
      <MyNotices />
      <BlockedList />
      <AccountSection />
    </div>
  );
}
