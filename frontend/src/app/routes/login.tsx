import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { LoginForm } from '@/features/auth/components/login-form';
import { meQueryKey } from '@/features/profile/api/get-me';
import { useDocumentTitle } from '@/lib/use-document-title';

export default function LoginRoute() {
  useDocumentTitle('Log in');
  const queryClient = useQueryClient();
  return (
    <section className="card auth-card" aria-labelledby="login-heading">
      <h1 id="login-heading">Welcome back</h1>
      <LoginForm onAuthenticated={(user) => queryClient.setQueryData(meQueryKey, user)} />
      <p className="auth-switch">
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p className="auth-switch">
        New to Friender? <Link to="/signup">Create an account</Link>
      </p>
    </section>
  );
}
