import { Link, useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { ResetPasswordForm } from '@/features/auth/components/reset-password-form';
import { useDocumentTitle } from '@/lib/use-document-title';

export default function ResetPasswordRoute() {
  useDocumentTitle('Reset your password');
  const token = useSearchParams()[0].get('token') ?? '';
  return (
    <section className="card auth-card" aria-labelledby="reset-heading">
      <h1 id="reset-heading">Reset your password</h1>
      {token ? (
        <ResetPasswordForm token={token} />
      ) : (
        <Alert>
          This link has no token. <Link to="/forgot-password">Ask for a new link</Link>
        </Alert>
      )}
    </section>
  );
}
