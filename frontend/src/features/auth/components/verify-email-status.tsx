import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { LoadingState } from '@/components/ui/states';
import { ApiError } from '@/lib/api-client';
import { useVerifyEmail } from '../api/verify-email';

/** Follows the mailed link once (the token is single use) and says how it went. */
export function VerifyEmailStatus({ token, signedIn }: { token: string; signedIn: boolean }) {
  const mutation = useVerifyEmail();
  const sent = useRef(false);
  const { mutate } = mutation;
  useEffect(() => {
    if (sent.current || !token) return;
    sent.current = true;
    mutate({ token });
  }, [mutate, token]);

  const next = signedIn ? <Link to="/discover">Start discovering people →</Link> : <Link to="/login">Log in</Link>;
  if (!token) return <Alert>This link has no token. Open the link from the mail again.</Alert>;
  if (mutation.isSuccess) {
    return (
      <Alert tone="success">
        Thanks — {mutation.data.email} is confirmed. {next}
      </Alert>
    );
  }
  if (mutation.isError) {
    const message = mutation.error instanceof ApiError ? mutation.error.message : 'Something went wrong.';
    return (
      <Alert>
        {message} {signedIn ? 'Use “Resend” in the banner for a new link.' : 'Log in to ask for a new link.'}
      </Alert>
    );
  }
  return <LoadingState label="Confirming your email…" />;
}
