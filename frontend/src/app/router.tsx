import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, type RouteObject } from 'react-router';
import { LoadingState } from '@/components/ui/states';
import { useSession } from '@/lib/session';
import { ErrorFallback, RootBoundary } from './error-boundary';
import { AuthenticatedLayout, GuestLayout, PlainLayout } from './layout';
import { RequireCompleteProfile } from './require-complete-profile';

// Every page is its own chunk: the first visit downloads the shell and one page.
const SignupRoute = lazy(() => import('./routes/signup'));
const LoginRoute = lazy(() => import('./routes/login'));
const ProfileRoute = lazy(() => import('./routes/profile'));
const DiscoverRoute = lazy(() => import('./routes/discover'));
const MatchesRoute = lazy(() => import('./routes/matches'));
const ChatRoute = lazy(() => import('./routes/chat'));
const SettingsRoute = lazy(() => import('./routes/settings'));
const ForgotPasswordRoute = lazy(() => import('./routes/forgot-password'));
const ResetPasswordRoute = lazy(() => import('./routes/reset-password'));
const VerifyEmailRoute = lazy(() => import('./routes/verify-email'));
const AppealRoute = lazy(() => import('./routes/appeal'));
const NotFoundRoute = lazy(() => import('./routes/not-found'));
const ModerationRoute = lazy(() => import('./routes/moderation'));
const ModerationCaseRoute = lazy(() =>
  import('./routes/moderation').then((module) => ({ default: module.ModerationCaseRoute })),
);

const page = (element: ReactNode) => <Suspense fallback={<LoadingState />}>{element}</Suspense>;

function HomeRedirect() {
  const session = useSession();
  if (session.status === 'loading') return <LoadingState />;
  return <Navigate to={session.status === 'signed-in' ? '/discover' : '/login'} replace />;
}

export const appRoutes: RouteObject[] = [
  {
    // Every page renders inside the top-level error boundary; errorElement is the last resort
    // for anything the router itself catches.
    element: <RootBoundary />,
    errorElement: <ErrorFallback error={null} onRetry={() => window.location.reload()} />,
    children: [
      { path: '/', element: <HomeRedirect /> },
      {
        element: <GuestLayout />,
        children: [
          { path: '/signup', element: page(<SignupRoute />) },
          { path: '/login', element: page(<LoginRoute />) },
          { path: '/forgot-password', element: page(<ForgotPasswordRoute />) },
        ],
      },
      {
        // Mailed links open here whether or not this browser is signed in.
        element: <PlainLayout />,
        children: [
          { path: '/reset-password', element: page(<ResetPasswordRoute />) },
          { path: '/verify-email', element: page(<VerifyEmailRoute />) },
          { path: '/appeal', element: page(<AppealRoute />) },
        ],
      },
      {
        element: <AuthenticatedLayout />,
        children: [
          { path: '/profile', element: page(<ProfileRoute />) },
          {
            path: '/discover',
            element: <RequireCompleteProfile>{page(<DiscoverRoute />)}</RequireCompleteProfile>,
          },
          { path: '/matches', element: page(<MatchesRoute />) },
          { path: '/matches/:id', element: page(<ChatRoute />) },
          { path: '/moderation', element: page(<ModerationRoute />) },
          { path: '/moderation/cases/:id', element: page(<ModerationCaseRoute />) },
          { path: '/settings', element: page(<SettingsRoute />) },
        ],
      },
      // Any other address: a friendly 404 with a way home.
      { path: '*', element: page(<NotFoundRoute />) },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(appRoutes);
}

let router: ReturnType<typeof createAppRouter> | null = null;

export function AppRouter() {
  router ??= createAppRouter();
  return <RouterProvider router={router} />;
}
