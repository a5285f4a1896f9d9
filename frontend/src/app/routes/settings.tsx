import { ErrorState, LoadingState } from '@/components/ui/states';
import { useMe } from '@/features/profile/api/get-me';
import { AgeRangeForm } from '@/features/profile/components/age-range-form';
import { EmailForm } from '@/features/settings/components/email-form';
import { PasswordForm } from '@/features/settings/components/password-form';
import { ApiError } from '@/lib/api-client';
import { useDocumentTitle } from '@/lib/use-document-title';

export default function SettingsRoute() {
  useDocumentTitle('Settings');
  const me = useMe();
  if (me.isPending) return <LoadingState label="Loading your settings…" />;
  if (me.isError) {
    return (
      <ErrorState
        title="Could not load your settings"
        message={me.error instanceof ApiError ? me.error.message : undefined}
        onRetry={() => void me.refetch()}
      />
    );
  }
  return (
    <div className="page settings-page">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <section className="card" aria-labelledby="ages-heading">
        <h2 id="ages-heading">Who you meet</h2>
        <p className="muted">You see people in this age range whose own range includes your age.</p>
        <AgeRangeForm key={me.data.id} me={me.data} />
      </section>
      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading">Password</h2>
        <PasswordForm me={me.data} />
      </section>
      <section className="card" aria-labelledby="email-heading">
        <h2 id="email-heading">Email</h2>
        <EmailForm me={me.data} />
      </section>
    </div>
  );
}
