import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { setAccessToken } from '@/lib/api-client';
import { jsonResponse, makeToken, mockFetch, renderWithProviders } from '@/testing/test-utils';
import type { Message } from '@/types/api';
import { addMessageToCache } from '../api/get-messages';
import { ChatView } from './chat-view';

const ME = 42;
const THEM = 7;
const message = (id: number, sender_id: number, body: string, read_at: string | null = null): Message => ({
  id,
  match_id: 3,
  sender_id,
  body,
  created_at: '2026-01-01T10:00:00Z',
  read_at,
});

describe('ChatView', () => {
  it('shows the conversation in a log, marks their messages read and sends with Enter', async () => {
    setAccessToken(makeToken({ sub: String(ME) }));
    const { calls } = mockFetch(({ url, method, body }) => {
      if (url.startsWith('/api/matches/3/messages') && method === 'GET') {
        return jsonResponse({
          messages: [message(1, ME, 'Hi!', '2026-01-01T10:01:00Z'), message(2, THEM, '<b>Hello</b> there')],
        });
      }
      if (url === '/api/matches/3/read') return new Response(null, { status: 204 });
      if (url === '/api/matches/3/messages' && method === 'POST') {
        return jsonResponse(message(3, ME, (body as { body: string }).body), 201);
      }
      return undefined;
    });
    renderWithProviders(<ChatView matchId={3} userId={ME} partnerName="Bob" />);

    const log = await screen.findByRole('log', { name: 'Conversation with Bob' });
    await within(log).findByText('<b>Hello</b> there'); // text, never HTML
    expect(log.querySelector('b')).toBeNull();
    expect(within(log).getByText('Seen')).toBeInTheDocument();
    await vi.waitFor(() => expect(calls.some((c) => c.url === '/api/matches/3/read')).toBe(true));

    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), '  See you at 9  {Enter}');

    await within(log).findByText('See you at 9');
    expect(calls.find((c) => c.method === 'POST' && c.url === '/api/matches/3/messages')?.body).toEqual({
      body: 'See you at 9',
    });
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('');
  });

  it('invites a first message without a second full stop after a name that ends with one', async () => {
    setAccessToken(makeToken({ sub: String(ME) }));
    mockFetch(({ url }) => (url.startsWith('/api/matches/3/messages') ? jsonResponse({ messages: [] }) : undefined));
    renderWithProviders(<ChatView matchId={3} userId={ME} partnerName="Raven C." />);

    expect(await screen.findByText('You matched! Say hello to Raven C.')).toBeInTheDocument();
  });

  it('shows a message pushed by the event stream without refetching', async () => {
    setAccessToken(makeToken({ sub: String(ME) }));
    const { calls } = mockFetch(({ url }) =>
      url.startsWith('/api/matches/3/messages') ? jsonResponse({ messages: [message(1, ME, 'Hi!')] }) : undefined,
    );
    const { queryClient } = renderWithProviders(<ChatView matchId={3} userId={ME} partnerName="Bob" />);
    const log = await screen.findByRole('log');
    await within(log).findByText('Hi!');

    act(() => addMessageToCache(queryClient, message(2, THEM, 'Pushed live')));
    act(() => addMessageToCache(queryClient, message(2, THEM, 'Pushed live'))); // delivered twice

    expect(await within(log).findAllByText('Pushed live')).toHaveLength(1);
    expect(calls.filter((c) => c.method === 'GET')).toHaveLength(1);
  });

  it('keeps a message pushed while the conversation was loading when the older answer lands', async () => {
    setAccessToken(makeToken({ sub: String(ME) }));
    let answer!: (response: Response) => void;
    const { calls } = mockFetch(({ url, method }) =>
      url.startsWith('/api/matches/3/messages') && method === 'GET'
        ? new Promise<Response>((resolve) => (answer = resolve))
        : undefined,
    );
    const { queryClient } = renderWithProviders(<ChatView matchId={3} userId={ME} partnerName="Bob" />);
    await vi.waitFor(() => expect(answer).toBeDefined());

    // The page was read before this message was sent, and reaches the browser after its event.
    act(() => addMessageToCache(queryClient, message(2, THEM, 'Sent meanwhile')));
    answer(jsonResponse({ messages: [message(1, ME, 'Hi!')] }));

    const log = await screen.findByRole('log');
    await within(log).findByText('Hi!');
    expect(within(log).getByText('Sent meanwhile')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'GET')).toHaveLength(1);
  });

  it('marks messages read only while the page is visible, and when it becomes visible again', async () => {
    let visibility: DocumentVisibilityState = 'hidden';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
    const showPage = (state: DocumentVisibilityState) => {
      visibility = state;
      act(() => void document.dispatchEvent(new Event('visibilitychange')));
    };
    const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 30)));
    try {
      setAccessToken(makeToken({ sub: String(ME) }));
      const { calls } = mockFetch(({ url }) => {
        if (url.startsWith('/api/matches/3/messages')) return jsonResponse({ messages: [message(1, THEM, 'Are you there?')] });
        if (url === '/api/matches/3/read') return new Response(null, { status: 204 });
        return undefined;
      });
      const reads = () => calls.filter((c) => c.url === '/api/matches/3/read');
      const { queryClient } = renderWithProviders(<ChatView matchId={3} userId={ME} partnerName="Bob" />);
      const log = await screen.findByRole('log');
      await within(log).findByText('Are you there?');
      act(() => addMessageToCache(queryClient, message(2, THEM, 'Hello?')));
      await within(log).findByText('Hello?');
      await settle();
      expect(reads(), 'a hidden tab sends no read receipt').toHaveLength(0);

      showPage('visible');
      await vi.waitFor(() => expect(reads()).toHaveLength(1));

      showPage('hidden');
      act(() => addMessageToCache(queryClient, message(3, THEM, 'Gone again?')));
      await within(log).findByText('Gone again?');
      await settle();
      expect(reads()).toHaveLength(1);
    } finally {
      Reflect.deleteProperty(document, 'visibilityState');
    }
  });

  it('keeps a pasted message over 2000 characters whole, counts it and sends it only once it fits', async () => {
    setAccessToken(makeToken({ sub: String(ME) }));
    const { calls } = mockFetch(({ url, method, body }) => {
      if (url.startsWith('/api/matches/3/messages') && method === 'GET') return jsonResponse({ messages: [] });
      if (url === '/api/matches/3/messages' && method === 'POST') {
        return jsonResponse(message(1, ME, (body as { body: string }).body), 201);
      }
      return undefined;
    });
    renderWithProviders(<ChatView matchId={3} userId={ME} partnerName="Bob" />);
    const input = screen.getByRole('textbox', { name: 'Message' });
    const send = screen.getByRole('button', { name: 'Send' });
    const text = 'Sentence number one. '.repeat(105) + 'The end'; // 2212 characters

    await userEvent.click(input);
    await userEvent.paste(text);

    expect(input).toHaveValue(text); // nothing cut
    const count = screen.getByText(/^2212\/2000/);
    expect(count).toHaveTextContent('Too long to send: remove 212 characters.');
    expect(input).toHaveAccessibleDescription(count.textContent);
    expect(input).toBeInvalid();
    expect(send).toBeDisabled();
    await userEvent.keyboard('{Enter}');
    // Typing signals are POSTs too; only messages count here.
    const messagePosts = () => calls.filter((c) => c.method === 'POST' && c.url.endsWith('/messages'));
    expect(messagePosts()).toHaveLength(0);

    await userEvent.clear(input);
    await userEvent.paste(text.slice(0, 2000));
    expect(screen.getByText('2000/2000')).toBeInTheDocument();
    expect(input).toBeValid();
    await userEvent.click(send);
    await vi.waitFor(() => expect(messagePosts()).toHaveLength(1));
    expect(messagePosts()[0]?.body).toEqual({ body: text.slice(0, 2000).trim() });
  });
});
