import { Button } from '@/components/ui/button';
import { ApiError } from '@/lib/api-client';
import type { Me } from '@/types/api';
import { useResendVerification } from '../api/resend-verification';

/** Until the address is confirmed, the person is not shown to others and cannot send messages. */
export function VerifyBanner({ me }: { me: Me }) {
  const resend = useResendVerification();
  if (me.email_verified && !me.pending_email) return null;
  const address = me.pending_email ?? me.email;
  return (
    <div className="banner" role="region" aria-label="Confirm your email">
      <p>
        {me.email_verified
          ? `Confirm ${address} with the link we mailed there to switch to it.`
          : `Confirm your email address: follow the link we mailed to ${address}. Until then others do not see you and you cannot send messages.`}
      </p>
      <Button variant="secondary" pending={resend.isPending} onClick={() => resend.mutate()}>
        Resend
      </Button>
      {resend.isSuccess && (
        <span className="banner-note" role="status">
          Sent — check your inbox.
        </span>
      )}
      {resend.isError && (
        <span className="banner-note" role="alert">
          {resend.error instanceof ApiError ? resend.error.message : 'Could not send. Try again.'}
        </span>
      )}
    </div>
  );
}
