import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Outlet, useLocation } from 'react-router';
import { ErrorState } from '@/components/ui/states';

/** A page whose code failed to download (a new deploy, a dropped connection) needs a reload. */
function isChunkLoadError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /dynamically imported module|Importing a module script failed|Loading chunk|error loading dynamically/i.test(
    message,
  );
}

export function ErrorFallback({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <main id="main" className="guest-main error-page">
      <ErrorState
        title="Something went wrong"
        message={
          isChunkLoadError(error)
            ? 'Part of Friender could not be loaded. Check your connection and try again.'
            : 'Sorry, this page ran into a problem. Trying again usually helps.'
        }
        onRetry={isChunkLoadError(error) ? () => window.location.reload() : onRetry}
      />
      <p className="error-page-home">
        {/* A plain link: this fallback may be shown outside the router. */}
        <a href="/">Go to the home page</a>
      </p>
    </main>
  );
}

type Props = { children: ReactNode; resetKey?: string };
type State = { error: unknown; failed: boolean };

/**
 * The app's top-level error boundary: a render error shows a friendly page with "Try again"
 * (render the same page afresh) instead of a blank screen. Moving to another page also resets it.
 */
export class AppErrorBoundary extends Component<Props, State> {
  state: State = { error: null, failed: false };

  static getDerivedStateFromError(error: unknown): State {
    return { error, failed: true };
  }

  componentDidUpdate(previous: Props) {
    if (this.state.failed && previous.resetKey !== this.props.resetKey) this.reset();
  }

  componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('Friender crashed while rendering', error, info.componentStack);
  }

  reset = () => this.setState({ error: null, failed: false });

  render() {
    if (this.state.failed) return <ErrorFallback error={this.state.error} onRetry={this.reset} />;
    return this.props.children;
  }
}

/** The router's root element: every page renders inside the boundary, reset on navigation. */
export function RootBoundary() {
  const location = useLocation();
  return (
    <AppErrorBoundary resetKey={location.pathname}>
      <Outlet />
    </AppErrorBoundary>
  );
}
