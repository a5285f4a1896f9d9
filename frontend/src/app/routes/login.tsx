import { useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { LoginForm } from '@/features/auth/components/login-form';
import { useDocumentTitle } from '@/lib/use-document-title';
import { meKeys } from '@/lib/query-keys';

export default function LoginRoute() {
  useDocumentTitle('Log in');
  const queryClient = useQueryClient();
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  return (
    <section className="card auth-card" aria-labelledby="login-heading">
      {notice && <Alert tone="info">{notice}</Alert>}
      <h1 id="login-heading">Welcome back</h1>
      <LoginForm onAuthenticated={(user) => queryClient.setQueryData(meKeys.all, user)} />
      <p className="auth-switch">
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p className="auth-switch">
        New to Friender? <Link to="/signup">Create an account</Link>
      </p>
    </section>
  );
}
