import { useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { SignupForm } from '@/features/auth/components/signup-form';
import { useDocumentTitle } from '@/lib/use-document-title';
import { meKeys } from '@/lib/query-keys';

export default function SignupRoute() {
  useDocumentTitle('Sign up');
  const queryClient = useQueryClient();
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  return (
    <section className="card auth-card" aria-labelledby="signup-heading">
      {notice && <Alert tone="success">{notice}</Alert>}
      <h1 id="signup-heading">Create your account</h1>
      <p className="muted">Meet people nearby who like what you like.</p>
      <SignupForm onAuthenticated={(user) => queryClient.setQueryData(meKeys.all, user)} />
      <p className="auth-switch">
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </section>
  );
}
