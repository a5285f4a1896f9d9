import { useSearchParams } from 'react-router';
import { LoadingState } from '@/components/ui/states';
import { VerifyEmailStatus } from '@/features/auth/components/verify-email-status';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useSession } from '@/lib/session';

export default function VerifyEmailRoute() {
  useDocumentTitle('Confirm your email');
  const token = useSearchParams()[0].get('token') ?? '';
  const session = useSession();
  return (
    <section className="card auth-card" aria-labelledby="verify-heading">
      <h1 id="verify-heading">Confirm your email</h1>
      {session.status === 'loading' ? (
        <LoadingState />
      ) : (
        <VerifyEmailStatus token={token} signedIn={session.status === 'signed-in'} />
      )}
    </section>
  );
}
