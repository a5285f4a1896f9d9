import { act, fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { setAccessToken } from '@/lib/api-client';
import { buildProfile } from '@/testing/fixtures';
import { jsonResponse, makeToken, mockFetch, renderWithProviders } from '@/testing/test-utils';
import type { Profile } from '@/types/api';
import { DiscoverDeck } from './discover-deck';
import { ProfileCard } from './profile-card';

describe('ProfileCard keyboard', () => {
  it('→ says yes and ← says no', () => {
    const onDecide = vi.fn();
    renderWithProviders(<ProfileCard profile={buildProfile()} onDecide={onDecide} />);

    fireEvent.keyDown(window, { key: 'ArrowRight' });
    expect(onDecide).toHaveBeenLastCalledWith(true);
    fireEvent.keyDown(window, { key: 'ArrowLeft' });
    expect(onDecide).toHaveBeenLastCalledWith(false);
    expect(onDecide).toHaveBeenCalledTimes(2);
  });

  it('ignores arrows while typing, with modifiers, on key repeat and when disabled', () => {
    const onDecide = vi.fn();
    const { rerender } = renderWithProviders(
      <>
        <input aria-label="Search" />
        <ProfileCard profile={buildProfile()} onDecide={onDecide} />
      </>,
    );

    fireEvent.keyDown(screen.getByLabelText('Search'), { key: 'ArrowRight' });
    fireEvent.keyDown(window, { key: 'ArrowLeft', altKey: true });
    fireEvent.keyDown(window, { key: 'ArrowRight', repeat: true });
    fireEvent.keyDown(window, { key: 'Enter' });
    expect(onDecide).not.toHaveBeenCalled();

    rerender(<ProfileCard profile={buildProfile()} onDecide={onDecide} disabled />);
    fireEvent.keyDown(window, { key: 'ArrowRight' });
    expect(onDecide).not.toHaveBeenCalled();
  });

  it('has Yes and No buttons and highlights the shared tags', async () => {
    const onDecide = vi.fn();
    renderWithProviders(<ProfileCard profile={buildProfile()} onDecide={onDecide} />);

    expect(screen.getByRole('heading', { name: 'Bob' })).toBeInTheDocument();
    expect(screen.getByText('Within 2 miles')).toBeInTheDocument();
    for (const hiking of screen.getAllByText('hiking')) expect(hiking.closest('li')).toHaveClass('tag-shared');
    expect(screen.getByText('chess').closest('li')).not.toHaveClass('tag-shared');
    const onPhoto = screen.getByRole('list', { name: 'Shared interests' });
    expect(within(onPhoto).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['hiking']);
    expect(screen.getByText('You both like 1 thing')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'No' }));
    expect(onDecide).toHaveBeenLastCalledWith(false);
    await userEvent.click(screen.getByRole('button', { name: 'Yes' }));
    expect(onDecide).toHaveBeenLastCalledWith(true);
  });
});

describe('ProfileCard shared tags on the photo', () => {
  it('shows the first three shared tags once each, in the person\'s spelling, and counts the rest', () => {
    const profile = buildProfile({
      hobbies: ['Hiking', 'chess', 'Baking', 'Climbing'],
      interests: ['hiking', 'Jazz', 'Opera'],
      shared_interests: ['hiking', 'baking', 'climbing', 'jazz', 'opera'],
    });
    renderWithProviders(<ProfileCard profile={profile} onDecide={vi.fn()} />);

    const onPhoto = screen.getByRole('list', { name: 'Shared interests' });
    expect(within(onPhoto).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Hiking',
      'Baking',
      'Climbing',
      '+2 more',
    ]);
    expect(screen.getByText('You both like 5 things')).toBeInTheDocument();
  });
});

describe('ProfileCard drag', () => {
  function drag(element: Element, from: number, to: number, pointerId = 1) {
    fireEvent.pointerDown(element, { pointerId, button: 0, clientX: from, clientY: 300 });
    fireEvent.pointerMove(element, { pointerId, clientX: (from + to) / 2, clientY: 300 });
    fireEvent.pointerMove(element, { pointerId, clientX: to, clientY: 300 });
    fireEvent.pointerUp(element, { pointerId, clientX: to, clientY: 300 });
  }

  it('dragging right far enough says yes, left says no, a short drag says nothing', () => {
    const onDecide = vi.fn();
    renderWithProviders(<ProfileCard profile={buildProfile()} onDecide={onDecide} />);
    const card = screen.getByRole('article', { name: 'Bob' });

    drag(card, 100, 160);
    expect(onDecide).not.toHaveBeenCalled();
    expect(card.style.transform).toBe(''); // snapped back

    drag(card, 100, 260);
    expect(onDecide).toHaveBeenLastCalledWith(true);
    drag(card, 260, 100);
    expect(onDecide).toHaveBeenLastCalledWith(false);
    expect(onDecide).toHaveBeenCalledTimes(2);
  });

  it('shows which way a drag will decide while the card is held past the threshold', () => {
    renderWithProviders(<ProfileCard profile={buildProfile()} onDecide={vi.fn()} />);
    const card = screen.getByRole('article', { name: 'Bob' });

    fireEvent.pointerDown(card, { pointerId: 1, button: 0, clientX: 100 });
    fireEvent.pointerMove(card, { pointerId: 1, clientX: 300 });
    expect(card).toHaveTextContent(/^Yes/);
    expect(card.style.transform).toContain('translateX(200px)');
    fireEvent.pointerCancel(card, { pointerId: 1 });
    expect(card.style.transform).toBe('');
  });

  it('leaves presses on the card buttons to them, and does nothing while disabled', () => {
    const onDecide = vi.fn();
    const { rerender } = renderWithProviders(<ProfileCard profile={buildProfile()} onDecide={onDecide} />);

    drag(screen.getByRole('button', { name: 'No' }), 100, 300);
    expect(onDecide).not.toHaveBeenCalled();

    rerender(<ProfileCard profile={buildProfile()} onDecide={onDecide} disabled />);
    drag(screen.getByRole('article', { name: 'Bob' }), 100, 300);
    expect(onDecide).not.toHaveBeenCalled();
  });
});

describe('DiscoverDeck', () => {
  const bob = buildProfile({ id: 7, display_name: 'Bob' });
  const carol = buildProfile({ id: 8, username: 'carol', display_name: 'Carol' });

  function serve(users: Profile[], matchFor: number | null = null) {
    let remaining = [...users];
    return mockFetch(({ url, method, body }) => {
      if (url.startsWith('/api/discover')) return jsonResponse({ users: remaining });
      if (url === '/api/swipes' && method === 'POST') {
        const { user_id } = body as { user_id: number };
        remaining = remaining.filter((u) => u.id !== user_id);
        const match =
          user_id === matchFor
            ? { id: 99, user: users.find((u) => u.id === user_id), matched_at: '2026-01-01T00:00:00Z', last_message: null, unread_count: 0 }
            : null;
        return jsonResponse({ match }, 201);
      }
      return undefined;
    });
  }

  it('swipes the card on top with the keyboard and shows the next one', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    const { calls } = serve([bob, carol]);
    renderWithProviders(<DiscoverDeck onMatch={vi.fn()} onProfileIncomplete={vi.fn()} />);
    await screen.findByRole('heading', { name: 'Bob' });

    fireEvent.keyDown(window, { key: 'ArrowRight' });
    await screen.findByRole('heading', { name: 'Carol' });
    fireEvent.keyDown(window, { key: 'ArrowLeft' });
    await screen.findByText("You've seen everyone nearby");

    const swipes = calls.filter((c) => c.url === '/api/swipes').map((c) => c.body);
    expect(swipes).toEqual([
      { user_id: 7, liked: true },
      { user_id: 8, liked: false },
    ]);
  });

  it('sends one swipe for a double-click on Yes', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    const { calls } = serve([bob, carol]);
    renderWithProviders(<DiscoverDeck onMatch={vi.fn()} onProfileIncomplete={vi.fn()} />);
    await screen.findByRole('heading', { name: 'Bob' });

    // The second click lands before React has re-rendered for the first (one act: no render
    // between them), as a fast double-click does in a browser.
    const yes = screen.getByRole('button', { name: 'Yes' });
    act(() => {
      yes.click();
      yes.click();
    });
    await screen.findByRole('heading', { name: 'Carol' });

    expect(calls.filter((c) => c.url === '/api/swipes').map((c) => c.body)).toEqual([{ user_id: 7, liked: true }]);
  });

  it('moves focus on to the next card, then to the empty state, when a decision removes the focused button', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    serve([bob, carol]);
    renderWithProviders(<DiscoverDeck onMatch={vi.fn()} onProfileIncomplete={vi.fn()} />);
    await screen.findByRole('heading', { name: 'Bob' });
    expect(document.body).toHaveFocus(); // the first card does not take focus by itself

    screen.getByRole('button', { name: 'Yes' }).focus();
    await userEvent.keyboard('{Enter}');
    await vi.waitFor(() => expect(screen.getByRole('article', { name: 'Carol' })).toHaveFocus());

    screen.getByRole('button', { name: 'No' }).focus();
    await userEvent.keyboard('{Enter}');
    await vi.waitFor(() => expect(screen.getByRole('heading', { name: "You've seen everyone nearby" })).toHaveFocus());
  });

  it('reports a mutual yes as a match', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    serve([bob], 7);
    const onMatch = vi.fn();
    renderWithProviders(<DiscoverDeck onMatch={onMatch} onProfileIncomplete={vi.fn()} />);

    await userEvent.click(await screen.findByRole('button', { name: 'Yes' }));

    await vi.waitFor(() => expect(onMatch).toHaveBeenCalledWith(expect.objectContaining({ id: 99 })));
  });

  it('does not swipe from the keyboard while paused (a dialog is open)', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    const { calls } = serve([bob]);
    renderWithProviders(<DiscoverDeck onMatch={vi.fn()} onProfileIncomplete={vi.fn()} paused />);
    await screen.findByRole('heading', { name: 'Bob' });

    fireEvent.keyDown(window, { key: 'ArrowRight' });

    expect(calls.filter((c) => c.url === '/api/swipes')).toHaveLength(0);
  });

  it('hands a 409 profile_incomplete to the page so it can send the user to their profile', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    mockFetch(() =>
      jsonResponse(
        { error: 'profile_incomplete', message: 'Complete your profile first.', fields: { zip_code: ['Missing.'] } },
        409,
      ),
    );
    const onProfileIncomplete = vi.fn();
    renderWithProviders(<DiscoverDeck onMatch={vi.fn()} onProfileIncomplete={onProfileIncomplete} />);

    await vi.waitFor(() => expect(onProfileIncomplete).toHaveBeenCalled());
    expect(onProfileIncomplete.mock.calls[0]![0]).toMatchObject({ status: 409, code: 'profile_incomplete' });
  });

  it('shows the page-supplied menu on the card, and arrows inside that menu do not swipe', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    const { calls } = serve([bob]);
    renderWithProviders(
      <DiscoverDeck
        onMatch={vi.fn()}
        onProfileIncomplete={vi.fn()}
        renderMenu={(person) => (
          <div role="menu" aria-label={`Menu for ${person.display_name}`}>
            <button type="button" role="menuitem">
              Report
            </button>
          </div>
        )}
      />,
    );

    const item = within(await screen.findByRole('menu', { name: 'Menu for Bob' })).getByRole('menuitem');
    fireEvent.keyDown(item, { key: 'ArrowRight' });
    fireEvent.keyDown(item, { key: 'ArrowLeft' });
    await new Promise((resolve) => setTimeout(resolve, 50)); // a swipe would have been sent by now

    expect(calls.filter((c) => c.url === '/api/swipes')).toHaveLength(0);
  });
});

describe('DiscoverDeck meeting-up extras', () => {
  it('Undo after a No brings the person back on top of the deck', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    const bob = buildProfile();
    const carol = buildProfile({ id: 8, username: 'carol', display_name: 'Carol' });
    const { calls } = mockFetch(({ url, method }) => {
      if (url.startsWith('/api/discover')) return jsonResponse({ users: [bob, carol] });
      if (url === '/api/swipes' && method === 'POST') return jsonResponse({ match: null }, 201);
      if (url === '/api/swipes/undo') return jsonResponse({ user_id: bob.id });
      return undefined;
    });
    renderWithProviders(<DiscoverDeck onMatch={vi.fn()} onProfileIncomplete={vi.fn()} />);

    await screen.findByRole('heading', { name: 'Bob' });
    await userEvent.click(screen.getByRole('button', { name: 'No' }));
    await screen.findByRole('heading', { name: 'Carol' });
    expect(screen.getByText('You said No to Bob.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Undo' }));

    expect(await screen.findByRole('heading', { name: 'Bob' })).toBeInTheDocument();
    expect(calls.filter((c) => c.url === '/api/swipes/undo')).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
  });

  it('offers no Undo after a match, and says why an undo was refused', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    const bob = buildProfile();
    const carol = buildProfile({ id: 8, username: 'carol', display_name: 'Carol' });
    mockFetch(({ url, body }) => {
      if (url.startsWith('/api/discover')) return jsonResponse({ users: [bob, carol] });
      if (url === '/api/swipes') {
        const liked = (body as { liked: boolean }).liked;
        return jsonResponse({ match: liked && (body as { user_id: number }).user_id === bob.id ? { id: 1 } : null }, 201);
      }
      if (url === '/api/swipes/undo') {
        return jsonResponse({ error: 'conflict', message: 'Decisions can only be taken back within 5 minutes.' }, 409);
      }
      return undefined;
    });
    const onMatch = vi.fn();
    renderWithProviders(<DiscoverDeck onMatch={onMatch} onProfileIncomplete={vi.fn()} />);

    await screen.findByRole('heading', { name: 'Bob' });
    await userEvent.click(screen.getByRole('button', { name: 'Yes' }));
    await screen.findByRole('heading', { name: 'Carol' });
    expect(onMatch).toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Yes' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Decisions can only be taken back within 5 minutes.')).toBeInTheDocument();
  });

  it('an empty deck offers the nearest wider radius that brings people, and widens it', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    let radius = 25;
    const { calls } = mockFetch(({ url, method, body }) => {
      if (url.startsWith('/api/discover')) {
        return radius === 25
          ? jsonResponse({ users: [], wider: [{ radius_miles: 50, count: 41 }, { radius_miles: 100, count: 90 }] })
          : jsonResponse({ users: [buildProfile()] });
      }
      if (url === '/api/me' && method === 'PATCH') {
        radius = (body as { friend_radius_miles: number }).friend_radius_miles;
        return jsonResponse({ id: 42, friend_radius_miles: radius });
      }
      return undefined;
    });
    renderWithProviders(<DiscoverDeck onMatch={vi.fn()} onProfileIncomplete={vi.fn()} />);

    await userEvent.click(await screen.findByRole('button', { name: 'Widen to 50 miles — 41 people' }));

    expect(await screen.findByRole('heading', { name: 'Bob' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ friend_radius_miles: 50 });
  });

  it('an empty deck with nobody farther away keeps the plain message', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    mockFetch(({ url }) =>
      url.startsWith('/api/discover') ? jsonResponse({ users: [], wider: [{ radius_miles: 50, count: 0 }] }) : undefined,
    );
    renderWithProviders(<DiscoverDeck onMatch={vi.fn()} onProfileIncomplete={vi.fn()} emptyAction={<a href="/profile">Widen your radius</a>} />);

    expect(await screen.findByText(/New people join every day/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Widen to/ })).toBeNull();
    expect(screen.getByRole('link', { name: 'Widen your radius' })).toBeInTheDocument();
  });

  it('cards say how many people someone met through Friender', () => {
    renderWithProviders(<ProfileCard profile={buildProfile({ met_count: 3 })} onDecide={vi.fn()} />);

    expect(screen.getByText('Met 3 people through Friender')).toBeInTheDocument();
  });
});
