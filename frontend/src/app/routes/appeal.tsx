import { useSearchParams } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { AppealByLink } from '@/features/moderation/components/appeal-by-link';
import { useDocumentTitle } from '@/lib/use-document-title';

export default function AppealRoute() {
  useDocumentTitle('Appeal a decision');
  const token = useSearchParams()[0].get('token') ?? '';
  return (
    <section className="card auth-card" aria-labelledby="appeal-heading">
      <h1 id="appeal-heading">Appeal a decision</h1>
      {token ? <AppealByLink token={token} /> : <Alert>This link has no token. Open the link from the mail again.</Alert>}
    </section>
  );
}
