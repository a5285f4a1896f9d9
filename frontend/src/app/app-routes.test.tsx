import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getSession, SESSION_CHANNEL, startSession } from '@/lib/session';
import { createQueryClient } from '@/lib/query-client';
import { buildCompleteMe, buildHangout, buildMe, buildProfile } from '@/testing/fixtures';
import { createTestQueryClient, jsonResponse, makeToken, mockFetch } from '@/testing/test-utils';
import { AppErrorBoundary } from './error-boundary';
import { AppProvider } from './provider';
import { appRoutes } from './router';

function renderApp(path: string, queryClient = createTestQueryClient()) {
  const router = createMemoryRouter(appRoutes, { initialEntries: [path] });
  render(
    <AppProvider queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { router, queryClient };
}

describe('the app shell', () => {
  it('shows a friendly 404 with a link home for an unknown address', async () => {
    renderApp('/no/such/page');

    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go home' })).toHaveAttribute('href', '/');
    expect(document.title).toMatch(/Page not found/);
  });

  it('before the first save, lists what is left to fill in but not the radius the slider shows', async () => {
    startSession(makeToken({ sub: '42' }));
    const me = buildMe({
      missing_fields: ['display_name', 'hobbies', 'interests', 'zip_code', 'friend_radius_miles'],
    });
    mockFetch(({ url }) => {
      if (url === '/api/me') return jsonResponse(me);
      if (url === '/api/me/photos') return jsonResponse({ photos: [] });
      if (url === '/api/matches') return jsonResponse({ matches: [] });
      return undefined;
    });
    renderApp('/profile');

    expect(
      await screen.findByText(/Still needed: display name, at least one hobby, at least one interest and ZIP code\./),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Friend radius (miles)')).toHaveValue('25');
  });

  it('after deleting the account, lands on sign-up with a notice', async () => {
    startSession(makeToken({ sub: '42' }));
    const me = buildCompleteMe();
    mockFetch(({ url, method }) => {
      if (url === '/api/me' && method === 'GET') return jsonResponse(me);
      if (url === '/api/me' && method === 'DELETE') return new Response(null, { status: 204 });
      if (url === '/api/me/photos') return jsonResponse({ photos: [] });
      if (url === '/api/matches') return jsonResponse({ matches: [] });
      return undefined;
    });
    const { router } = renderApp('/profile');

    const account = await screen.findByRole('region', { name: 'Your account' });
    await userEvent.click(within(account).getByRole('button', { name: 'Delete account' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete your account?' });
    await userEvent.type(within(dialog).getByLabelText('Password'), 'correct horse');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete account' }));

    expect(await screen.findByText(/Your account has been deleted/)).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/signup');
    expect(screen.getByRole('heading', { name: 'Create your account' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Log out' })).not.toBeInTheDocument();
  });
});

describe('long names', () => {
  it('carry the full name in a title where the matches list and the chat header cut them short', async () => {
    const name = 'Maximiliana_Wolfeschlegelsteinhausenbergerdorff_XY'; // 50: the maximum
    startSession(makeToken({ sub: '42' }));
    const match = {
      id: 3,
      user: buildProfile({ display_name: name }),
      matched_at: '2026-01-01T10:00:00Z',
      last_message: null,
      unread_count: 0,
    };
    mockFetch(({ url }) => {
      if (url === '/api/matches') return jsonResponse({ matches: [match] });
      if (url.startsWith('/api/matches/3/messages')) return jsonResponse({ messages: [] });
      return undefined;
    });
    renderApp('/matches');

    const row = await screen.findByRole('link', { name: new RegExp(name) });
    expect(within(row).getByText(name)).toHaveAttribute('title', name);
    await userEvent.click(row);

    expect(await screen.findByRole('heading', { level: 1, name })).toHaveAttribute('title', name);
  });
});

describe('the chat page', () => {
  const match = { id: 3, user: buildProfile({ id: 7, display_name: 'Bob' }), matched_at: '2026-01-01T10:00:00Z', last_message: null, unread_count: 0 };
  const hello = { id: 1, match_id: 3, sender_id: 7, body: 'Hello there', created_at: '2026-01-01T10:01:00Z', read_at: null };

  it('shows the log only once the plans above it have answered, so they never push it down', async () => {
    startSession(makeToken({ sub: '42' }));
    let answerPlans: (response: Response) => void = () => {};
    const plans = new Promise<Response>((resolve) => (answerPlans = resolve));
    const { calls } = mockFetch(({ url }) => {
      if (url === '/api/matches') return jsonResponse({ matches: [match] });
      if (url.startsWith('/api/matches/3/messages')) return jsonResponse({ messages: [hello] });
      if (url === '/api/matches/3/hangouts') return plans;
      return undefined;
    });
    renderApp('/matches/3');

    expect(await screen.findByRole('heading', { level: 1, name: 'Bob' })).toBeInTheDocument();
    // The messages were asked for beside the plans, not after them.
    await vi.waitFor(() => expect(calls.some((call) => call.url.startsWith('/api/matches/3/messages'))).toBe(true));
    expect(screen.getByRole('status')).toHaveTextContent('Loading conversation…');
    expect(screen.queryByRole('log')).not.toBeInTheDocument();

    answerPlans(jsonResponse({ hangouts: [buildHangout({ match_id: 3, activity: 'Climbing at the gym' })] }));

    const log = await screen.findByRole('log', { name: 'Conversation with Bob' });
    expect(within(log).getByText('Hello there')).toBeInTheDocument();
    expect(screen.getByText('Climbing at the gym')).toBeInTheDocument();
  });

  it('does not hold the conversation up while a failed read of the plans is retried', async () => {
    startSession(makeToken({ sub: '42' }));
    mockFetch(({ url }) => {
      if (url === '/api/matches') return jsonResponse({ matches: [match] });
      if (url.startsWith('/api/matches/3/messages')) return jsonResponse({ messages: [hello] });
      if (url === '/api/matches/3/hangouts') return jsonResponse({ error: 'internal_error', message: 'Something went wrong.' }, 500);
      return undefined;
    });
    // The app's own client, which retries a 500 after a delay.
    renderApp('/matches/3', createQueryClient());

    const log = await screen.findByRole('log', { name: 'Conversation with Bob' });
    expect(within(log).getByText('Hello there')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Plan a hangout' })).toBeInTheDocument();
  });

  it('says when the plans could not be loaded and offers to try again', async () => {
    startSession(makeToken({ sub: '42' }));
    let plansFail = true;
    mockFetch(({ url }) => {
      if (url === '/api/matches') return jsonResponse({ matches: [match] });
      if (url.startsWith('/api/matches/3/messages')) return jsonResponse({ messages: [hello] });
      if (url === '/api/matches/3/hangouts')
        return plansFail
          ? jsonResponse({ error: 'internal_error', message: 'Something went wrong.' }, 500)
          : jsonResponse({ hangouts: [buildHangout({ match_id: 3, activity: 'Climbing at the gym' })] });
      return undefined;
    });
    renderApp('/matches/3');

    const plans = await screen.findByRole('region', { name: 'Plans' });
    expect(within(plans).getByRole('alert')).toHaveTextContent('Could not load your plans.');
    plansFail = false;
    await userEvent.click(within(plans).getByRole('button', { name: 'Try again' }));

    expect(await within(plans).findByText('Climbing at the gym')).toBeInTheDocument();
    expect(within(plans).queryByRole('alert')).not.toBeInTheDocument();
  });
});

describe('the match dialog', () => {
  it('hands focus to the next card when it closes, since the card that opened it is gone', async () => {
    startSession(makeToken({ sub: '42' }));
    const me = buildCompleteMe();
    const bob = buildProfile({ id: 7, display_name: 'Bob' });
    const carol = buildProfile({ id: 8, username: 'carol', display_name: 'Carol' });
    let deck = [bob, carol];
    mockFetch(({ url, method }) => {
      if (url === '/api/me') return jsonResponse(me);
      if (url.startsWith('/api/discover')) return jsonResponse({ users: deck });
      if (url === '/api/swipes' && method === 'POST') {
        deck = [carol];
        const match = { id: 99, user: bob, matched_at: '2026-01-01T10:00:00Z', last_message: null, unread_count: 0 };
        return jsonResponse({ match }, 201);
      }
      if (url === '/api/matches') return jsonResponse({ matches: [] });
      return undefined;
    });
    renderApp('/discover');

    await screen.findByRole('article', { name: 'Bob' });
    screen.getByRole('button', { name: 'Yes' }).focus();
    await userEvent.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: "It's a match!" });
    await vi.waitFor(() => expect(within(dialog).getByRole('button', { name: 'Send a message' })).toHaveFocus());
    await userEvent.keyboard('{Escape}');

    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('article', { name: 'Carol' })).toHaveFocus();
  });
});

describe('the session across tabs', () => {
  // Another tab of the same browser: its own channel object on the app's channel name.
  let otherTab: BroadcastChannel;
  afterEach(() => otherTab.close());

  function signedInApp(path: string) {
    startSession(makeToken({ sub: '42' }));
    mockFetch(({ url }) => {
      if (url === '/api/matches') return jsonResponse({ matches: [] });
      if (url === '/api/auth/logout') return new Response(null, { status: 204 });
      return undefined;
    });
    return renderApp(path);
  }

  it('signs this tab out and shows the login page when another tab logs out', async () => {
    otherTab = new BroadcastChannel(SESSION_CHANNEL);
    const { router } = signedInApp('/matches');
    expect(await screen.findByRole('heading', { name: 'Matches' })).toBeInTheDocument();

    otherTab.postMessage({ type: 'signed-out' });

    expect(await screen.findByRole('heading', { name: 'Welcome back' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(getSession()).toEqual({ status: 'signed-out' });
  });

  it('tells the other tabs when this one logs out', async () => {
    otherTab = new BroadcastChannel(SESSION_CHANNEL);
    const heard = new Promise((resolve) => {
      otherTab.onmessage = (event: MessageEvent) => resolve(event.data);
    });
    signedInApp('/matches');

    await userEvent.click(await screen.findByRole('button', { name: 'Log out' }));

    expect(await heard).toEqual({ type: 'signed-out' });
    expect(await screen.findByRole('heading', { name: 'Welcome back' })).toBeInTheDocument();
  });
});

describe('AppErrorBoundary', () => {
  it('replaces a crashed page with "Try again", which renders it afresh', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    let crash = true;
    function Flaky() {
      if (crash) throw new Error('boom');
      return <p>Recovered</p>;
    }
    render(
      <AppErrorBoundary>
        <Flaky />
      </AppErrorBoundary>,
    );

    expect(screen.getByRole('alert')).toHaveTextContent('Something went wrong');
    expect(screen.queryByText('boom')).not.toBeInTheDocument(); // no internals shown
    crash = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));

    expect(screen.getByText('Recovered')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('catches a crash inside a route: "Try again" renders the page again in place', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    let crash = true;
    function Flaky() {
      if (crash) throw new Error('render failed');
      return <p>Page content</p>;
    }
    const router = createMemoryRouter(
      [
        {
          element: appRoutes[0]!.element,
          errorElement: appRoutes[0]!.errorElement,
          children: [
            { path: '/flaky', element: <Flaky /> },
            { path: '/ok', element: <p>Fine</p> },
          ],
        },
      ],
      { initialEntries: ['/flaky'] },
    );
    render(<RouterProvider router={router} />);

    expect(await screen.findByRole('button', { name: 'Try again' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to the home page' })).toHaveAttribute('href', '/');

    await router.navigate('/ok'); // moving on leaves the crash behind
    expect(await screen.findByText('Fine')).toBeInTheDocument();
    await router.navigate('/flaky');
    await screen.findByRole('button', { name: 'Try again' });

    crash = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Page content')).toBeInTheDocument();
  });
});
