import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonResponse, mockFetch, renderWithProviders } from '@/testing/test-utils';
import type { ModerationNotice } from '@/types/api';
import { AppealByLink } from './appeal-by-link';

const BAN: ModerationNotice = {
  id: 5,
  action: 'ban',
  rule: 'fake',
  rule_text: 'Be yourself: no fake profiles and no pretending to be someone else.',
  until: null,
  created_at: '2026-12-01T10:00:00Z',
  appeal: null,
  can_appeal: true,
};

describe('AppealByLink', () => {
  it('shows the decision and sends the one appeal without a session', async () => {
    const { calls } = mockFetch(({ url, method }) => {
      if (url === '/api/appeals/tok.en' && method === 'GET') return jsonResponse(BAN);
      if (url === '/api/appeals/tok.en' && method === 'POST') return jsonResponse({ id: 1, action_id: 5 }, 201);
      return undefined;
    });
    renderWithProviders(<AppealByLink token="tok.en" />);

    expect(await screen.findByRole('heading', { name: 'Your account is banned' })).toBeInTheDocument();
    expect(screen.getByText(/Be yourself/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Send appeal' }));
    expect(screen.getByLabelText('Your appeal')).toHaveAccessibleDescription(/Say why/);
    await userEvent.type(screen.getByLabelText('Your appeal'), 'That is really me.');
    await userEvent.click(screen.getByRole('button', { name: 'Send appeal' }));

    expect(await screen.findByText(/Your appeal was sent/)).toBeInTheDocument();
    const post = calls.find((call) => call.method === 'POST');
    expect(post?.body).toEqual({ text: 'That is really me.' });
    for (const call of calls) expect(call.headers.get('Authorization')).toBeNull();
  });

  it('says so when the link is used or expired', async () => {
    mockFetch(() => jsonResponse({ error: 'invalid_token', message: 'This link is invalid, already used or expired.' }, 400));
    renderWithProviders(<AppealByLink token="old" />);

    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('already used or expired'));
    expect(screen.queryByLabelText('Your appeal')).not.toBeInTheDocument();
  });
});
