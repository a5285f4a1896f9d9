import { Link } from 'react-router';
import { ForgotPasswordForm } from '@/features/auth/components/forgot-password-form';
import { useDocumentTitle } from '@/lib/use-document-title';

export default function ForgotPasswordRoute() {
  useDocumentTitle('Forgot password');
  return (
    <section className="card auth-card" aria-labelledby="forgot-heading">
      <h1 id="forgot-heading">Forgot your password?</h1>
      <p className="muted">Give the email address of your account and we will mail you a link to choose a new one.</p>
      <ForgotPasswordForm />
      <p className="auth-switch">
        Remembered it? <Link to="/login">Log in</Link>
      </p>
    </section>
  );
}
