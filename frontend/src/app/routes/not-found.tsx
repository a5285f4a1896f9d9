import { Link } from 'react-router';
import { EmptyState } from '@/components/ui/states';
import { useDocumentTitle } from '@/lib/use-document-title';
import { Brand } from '../layout';

export default function NotFoundRoute() {
  useDocumentTitle('Page not found');
  return (
    <div className="guest">
      <header className="guest-header">
        <Link to="/" className="brand-link">
          <Brand />
        </Link>
      </header>
      <main id="main" className="guest-main">
        <EmptyState
          title="Page not found"
          action={
            <Link to="/" className="btn btn-primary">
              Go home
            </Link>
          }
        >
          <p>We looked everywhere, but there is nothing at this address. The link may be mistyped or out of date.</p>
        </EmptyState>
      </main>
    </div>
  );
}
