import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setAccessToken } from '@/lib/api-client';
import { buildProfile } from '@/testing/fixtures';
import { jsonResponse, makeToken, mockFetch, renderWithProviders } from '@/testing/test-utils';
import type { ModerationCase, MyModeration } from '@/types/api';
import { CaseView } from './case-view';
import { MyNotices } from './my-notices';

function buildCase(overrides: Partial<ModerationCase> = {}): ModerationCase {
  return {
    user_id: 7,
    profile: buildProfile(),
    photos: [],
    reports: [
      { id: 1, reporter_id: 9, category: 'harassment', reason: 'Threats', created_at: '2026-12-01T10:00:00Z', handled_at: null },
    ],
    actions: [],
    appeals: [],
    messages: [
      {
        report_id: 1,
        reporter_id: 9,
        messages: [{ id: 3, sender_id: 7, body: 'you will regret it', created_at: '2026-12-01T09:00:00Z' }],
      },
    ],
    hidden: false,
    status: 'open',
    suspended_until: null,
    banned: false,
    ...overrides,
  };
}

describe('CaseView', () => {
  it('shows the reports with their reporter and the messages, and a suspension asks for a note and an end', async () => {
    setAccessToken(makeToken({ sub: '1' }));
    const { calls } = mockFetch(({ url, method }) => {
      if (url === '/api/moderation/cases/7' && method === 'GET') return jsonResponse(buildCase());
      if (url === '/api/moderation/cases/7/actions') return jsonResponse({ id: 1 }, 201);
      return undefined;
    });
    renderWithProviders(<CaseView userId={7} />);

    expect(await screen.findByRole('heading', { name: 'Case: Bob' })).toBeInTheDocument();
    expect(screen.getByText(/by user #9/)).toBeInTheDocument();
    expect(within(screen.getByRole('region', { name: 'Messages with user #9' })).getByText(/you will regret it/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Suspend' }));
    const dialog = screen.getByRole('dialog', { name: 'Suspend: Bob' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm suspend' }));
    expect(within(dialog).getByLabelText('Note')).toHaveAccessibleDescription(/Write a note/);
    expect(calls.filter((call) => call.method === 'POST')).toHaveLength(0);

    await userEvent.type(within(dialog).getByLabelText('Note'), 'Threats in chat');
    await userEvent.type(within(dialog).getByLabelText('Suspended until'), '2030-01-02T03:04');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Confirm suspend' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const post = calls.find((call) => call.method === 'POST');
    expect(post?.body).toMatchObject({ action: 'suspend', note: 'Threats in chat' });
    expect(new Date((post?.body as { until: string }).until).getUTCFullYear()).toBe(2030);
  });
});

describe('MyNotices', () => {
  it('names the decision and the rule, and sends one appeal', async () => {
    setAccessToken(makeToken({ sub: '7' }));
    const mine: MyModeration = {
      actions: [
        {
          id: 5,
          action: 'warn',
          rule: 'spam',
          rule_text: 'No spam, advertising or scams.',
          until: null,
          created_at: '2026-12-01T10:00:00Z',
          appeal: null,
          can_appeal: true,
        },
      ],
      reports: [],
    };
    const { calls } = mockFetch(({ url }) => {
      if (url === '/api/me/moderation') return jsonResponse(mine);
      if (url === '/api/me/appeals') return jsonResponse({ id: 1 }, 201);
      return undefined;
    });
    renderWithProviders(<MyNotices />);

    expect(await screen.findByRole('heading', { name: 'You received a warning' })).toBeInTheDocument();
    expect(screen.getByText(/No spam, advertising or scams\./)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Your appeal'), 'It was one link.');
    await userEvent.click(screen.getByRole('button', { name: 'Send appeal' }));

    await waitFor(() =>
      expect(calls.find((call) => call.url === '/api/me/appeals')?.body).toEqual({
        action_id: 5,
        text: 'It was one link.',
      }),
    );
  });
});
