import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setAccessToken } from '@/lib/api-client';
import { jsonResponse, makeToken, mockFetch, renderWithProviders } from '@/testing/test-utils';
import { TYPING_SHOWN_MS, setTyping } from '../api/typing';
import { ChatView } from './chat-view';

const ME = 42;
const THEM = 7;

describe('typing', () => {
  afterEach(() => vi.useRealTimers());

  it('tells the server while we type, at most once every few seconds, and never for an empty draft', async () => {
    setAccessToken(makeToken({ sub: String(ME) }));
    const { calls } = mockFetch(({ url }) => {
      if (url.startsWith('/api/matches/3/messages')) return jsonResponse({ messages: [] });
      if (url === '/api/matches/3/typing') return new Response(null, { status: 204 });
      return undefined;
    });
    renderWithProviders(<ChatView matchId={3} userId={ME} partnerName="Bob" />);
    const input = await screen.findByRole('textbox', { name: 'Message' });

    await userEvent.type(input, '   ');
    await userEvent.type(input, 'Hello there');

    const typing = () => calls.filter((c) => c.url === '/api/matches/3/typing');
    await vi.waitFor(() => expect(typing()).toHaveLength(1));
    expect(typing()[0]!.method).toBe('POST');
  });

  it('shows "… is typing" for five seconds after their signal, and not for our own', async () => {
    setAccessToken(makeToken({ sub: String(ME) }));
    mockFetch(({ url }) => (url.startsWith('/api/matches/3/messages') ? jsonResponse({ messages: [] }) : undefined));
    const { queryClient } = renderWithProviders(<ChatView matchId={3} userId={ME} partnerName="Bob" />);
    await screen.findByRole('log');

    act(() => setTyping(queryClient, 3, { match_id: 3, user_id: ME }));
    expect(screen.queryByText('Bob is typing…')).toBeNull();

    vi.useFakeTimers({ shouldAdvanceTime: true });
    act(() => setTyping(queryClient, 3, { match_id: 3, user_id: THEM }));
    expect(screen.getByText('Bob is typing…')).toBeInTheDocument();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(TYPING_SHOWN_MS + 100);
    });
    expect(screen.queryByText('Bob is typing…')).toBeNull();
  });
});
