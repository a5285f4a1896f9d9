import { Suspense } from 'react';
import { Link, Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { Button } from '@/components/ui/button';
import { ChatIcon, CompassIcon, SettingsIcon, UserIcon } from '@/components/ui/icons';
import { LoadingState } from '@/components/ui/states';
import { useLogout } from '@/features/auth/api/logout';
import { VerifyBanner } from '@/features/auth/components/verify-banner';
import { useMatches } from '@/features/matches/api/get-matches';
import { useMe } from '@/features/profile/api/get-me';
import { useSession } from '@/lib/session';
import { EventBridge } from './event-bridge';
import { MatchCelebrationProvider } from './match-celebration';

export function Brand() {
  return (
    <span className="brand">
      <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
        <circle cx="12" cy="16" r="9" fill="var(--brand)" />
        <circle cx="20" cy="16" r="9" fill="var(--brand-2)" fillOpacity=".85" />
      </svg>
      Friender
    </span>
  );
}

export const ACCOUNT_DELETED_NOTICE = 'Your account has been deleted. Thanks for trying Friender.';
export const ACCOUNT_LOCKED_NOTICE = 'You have been signed out: a moderator restricted your account.';

function GuestShell() {
  return (
    <div className="guest">
      <header className="guest-header">
        <Link to="/login" className="brand-link">
          <Brand />
        </Link>
        <p className="tagline">Swipe to make new friends nearby.</p>
      </header>
      <main id="main" className="guest-main">
        <Outlet />
      </main>
    </div>
  );
}

export function GuestLayout() {
  const session = useSession();
  const location = useLocation();
  if (session.status === 'loading') return <LoadingState />;
  if (session.status === 'signed-in') {
    const from = (location.state as { from?: { pathname?: string } } | null)?.from?.pathname;
    return <Navigate to={from && from !== '/login' && from !== '/signup' ? from : '/discover'} replace />;
  }
  return <GuestShell />;
}

/** The guest look, for pages a mailed link opens whether or not the browser is signed in. */
export function PlainLayout() {
  return <GuestShell />;
}

/** The email banner: shown while the address (or a new one) waits to be confirmed. */
function EmailBanner() {
  const me = useMe();
  return me.data ? <VerifyBanner me={me.data} /> : null;
}

function UnreadBadge() {
  const matches = useMatches();
  const unread = matches.data?.matches.reduce((sum, match) => sum + match.unread_count, 0) ?? 0;
  if (unread === 0) return null;
  return (
    <span className="badge badge-unread badge-nav" aria-label={`${unread} unread`}>
      {unread > 99 ? '99+' : unread}
    </span>
  );
}

function Nav() {
  const logout = useLogout();
  const me = useMe();
  return (
    <header className="app-header">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Link to="/discover" className="brand-link">
        <Brand />
      </Link>
      <nav className="app-nav" aria-label="Main">
        <NavLink to="/discover" className="nav-link">
          <CompassIcon className="nav-icon" />
          Discover
        </NavLink>
        <NavLink to="/matches" className="nav-link">
          <ChatIcon className="nav-icon" />
          Matches
          <UnreadBadge />
        </NavLink>
        <NavLink to="/profile" className="nav-link">
          <UserIcon className="nav-icon" />
          Profile
        </NavLink>
        <NavLink to="/settings" className="nav-link">
          <SettingsIcon className="nav-icon" />
          Settings
        </NavLink>
        {me.data?.is_moderator && (
          <NavLink to="/moderation" className="nav-link">
            Moderation
          </NavLink>
        )}
      </nav>
      <Button variant="ghost" className="logout" pending={logout.isPending} onClick={() => logout.mutate()}>
        Log out
      </Button>
    </header>
  );
}

export function AuthenticatedLayout() {
  const session = useSession();
  const location = useLocation();
  if (session.status === 'loading') return <LoadingState />;
  if (session.status === 'signed-out') {
    if (session.reason === 'account-deleted') {
      return <Navigate to="/signup" replace state={{ notice: ACCOUNT_DELETED_NOTICE }} />;
    }
    if (session.reason === 'account-locked') {
      return <Navigate to="/login" replace state={{ notice: session.notice ?? ACCOUNT_LOCKED_NOTICE }} />;
    }
    return <Navigate to="/login" replace state={{ from: { pathname: location.pathname } }} />;
  }
  return (
    <MatchCelebrationProvider>
      <EventBridge userId={session.userId} />
      <div className="app">
        <Nav />
        <EmailBanner />
        <main id="main" className="app-main">
          <Suspense fallback={<LoadingState />}>
            <Outlet context={{ userId: session.userId }} />
          </Suspense>
        </main>
      </div>
    </MatchCelebrationProvider>
  );
}
