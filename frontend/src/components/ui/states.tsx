import type { ReactNode, Ref } from 'react';
import { Spinner } from './spinner';

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <Spinner />
      <span>{label}</span>
    </div>
  );
}

export function ErrorState({
  title = 'Something went wrong',
  message,
  onRetry,
}: {
  title?: string;
  message?: string;
  onRetry?: () => void;
}) {
  return (
    <div className="state state-error" role="alert">
      <h2 className="state-title">{title}</h2>
      {message && <p>{message}</p>}
      {onRetry && (
        <button type="button" className="btn btn-secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
  titleRef,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  /** For a page that moves focus to the empty state (its title then takes programmatic focus). */
  titleRef?: Ref<HTMLHeadingElement>;
}) {
  return (
    <div className="state state-empty">
      <h2 className="state-title" ref={titleRef} tabIndex={titleRef ? -1 : undefined}>
        {title}
      </h2>
      {children && <div className="state-body">{children}</div>}
      {action}
    </div>
  );
}
