import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { setAccessToken } from '@/lib/api-client';
import { buildHangout } from '@/testing/fixtures';
import { jsonResponse, makeToken, mockFetch, renderWithProviders } from '@/testing/test-utils';
import { putHangoutInCache } from '../api/get-hangouts';
import { HangoutCard } from './hangout-card';
import { HangoutsPanel } from './hangouts-panel';

const ME = 42;

describe('HangoutCard', () => {
  it('lets the other member accept exactly the option they picked', async () => {
    setAccessToken(makeToken({ sub: String(ME) }));
    const { calls } = mockFetch(({ url, body }) =>
      url === '/api/matches/3/hangouts/11/accept'
        ? jsonResponse(buildHangout({ status: 'accepted', accepted_option: (body as { option_index: number }).option_index }))
        : undefined,
    );
    renderWithProviders(<HangoutCard hangout={buildHangout()} userId={ME} partnerName="Bob" />);

    const options = screen.getAllByRole('radio');
    expect(options).toHaveLength(2);
    await userEvent.click(options[1]!);
    await userEvent.click(screen.getByRole('button', { name: 'Accept' }));

    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]!.body).toEqual({ option_index: 1 });
    expect(screen.getByRole('button', { name: 'Decline' })).toBeInTheDocument();
  });

  it('shows the proposer a waiting plan they can cancel, never Accept', async () => {
    setAccessToken(makeToken({ sub: String(ME) }));
    const { calls } = mockFetch(({ url }) =>
      url === '/api/matches/3/hangouts/11/cancel' ? jsonResponse(buildHangout({ proposer_id: ME, status: 'cancelled' })) : undefined,
    );
    renderWithProviders(<HangoutCard hangout={buildHangout({ proposer_id: ME })} userId={ME} partnerName="Bob" />);

    expect(screen.queryByRole('button', { name: 'Accept' })).toBeNull();
    expect(screen.getByText('Waiting for Bob')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel plan' }));
    await vi.waitFor(() => expect(calls.map((c) => c.method + ' ' + c.url)).toEqual(['POST /api/matches/3/hangouts/11/cancel']));
  });

  it('downloads the calendar file of an agreed plan with the token', async () => {
    setAccessToken(makeToken({ sub: String(ME) }));
    const created: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:ics';
    });
    URL.revokeObjectURL = vi.fn();
    const { calls } = mockFetch(({ url }) =>
      url === '/api/matches/3/hangouts/11.ics'
        ? new Response('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', { headers: { 'Content-Type': 'text/calendar' } })
        : undefined,
    );
    renderWithProviders(
      <HangoutCard hangout={buildHangout({ status: 'accepted', accepted_option: 0 })} userId={ME} partnerName="Bob" />,
    );

    expect(screen.getByText('Agreed')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Add to calendar (.ics)' }));

    await vi.waitFor(() => expect(created).toHaveLength(1));
    expect(calls[0]!.headers.get('Authorization')).toMatch(/^Bearer /);
    expect(await created[0]!.text()).toContain('BEGIN:VCALENDAR');
  });

  it('asks "Did you meet?" once the plan is over, and thanks after confirming', async () => {
    setAccessToken(makeToken({ sub: String(ME) }));
    const accepted = buildHangout({ status: 'accepted', accepted_option: 0 });
    const after = new Date('2099-12-05T18:00:00Z').getTime();
    mockFetch(({ url }) =>
      url === '/api/matches/3/hangouts/11/we-met' ? jsonResponse({ ...accepted, met_confirmed: true }) : undefined,
    );
    const { rerender } = renderWithProviders(
      <HangoutCard hangout={accepted} userId={ME} partnerName="Bob" now={after} />,
    );

    const prompt = screen.getByRole('group', { name: 'Did you meet?' });
    expect(screen.queryByRole('button', { name: 'Cancel plan' })).toBeNull();
    await userEvent.click(within(prompt).getByRole('button', { name: 'We met' }));

    rerender(<HangoutCard hangout={{ ...accepted, met_confirmed: true }} userId={ME} partnerName="Bob" now={after} />);
    expect(screen.getByText('Thanks! It counts once Bob confirms too.')).toBeInTheDocument();
    rerender(<HangoutCard hangout={{ ...accepted, met_confirmed: true, met: true }} userId={ME} partnerName="Bob" now={after} />);
    expect(screen.getByText(/You both confirmed you met/)).toBeInTheDocument();
  });

  it('shows what the server says when an answer is refused', async () => {
    setAccessToken(makeToken({ sub: String(ME) }));
    mockFetch(() => jsonResponse({ error: 'conflict', message: 'This plan is already cancelled.' }, 409));
    renderWithProviders(<HangoutCard hangout={buildHangout()} userId={ME} partnerName="Bob" />);

    await userEvent.click(screen.getByRole('button', { name: 'Accept' }));

    expect(await screen.findByText('This plan is already cancelled.')).toBeInTheDocument();
  });
});

describe('HangoutsPanel', () => {
  it('proposes a plan pre-filled from the shared tags, and shows plans pushed live', async () => {
    setAccessToken(makeToken({ sub: String(ME) }));
    const { calls, queryClient } = (() => {
      const mocked = mockFetch(({ url, method, body }) => {
        if (url === '/api/matches/3/hangouts' && method === 'GET') return jsonResponse({ hangouts: [] });
        if (url === '/api/matches/3/hangouts' && method === 'POST') {
          return jsonResponse(buildHangout({ id: 12, proposer_id: ME, ...(body as object) }), 201);
        }
        return undefined;
      });
      const rendered = renderWithProviders(
        <HangoutsPanel matchId={3} userId={ME} partnerName="Bob" sharedTags={['Hiking', 'Jazz']} />,
      );
      return { calls: mocked.calls, queryClient: rendered.queryClient };
    })();

    await userEvent.click(await screen.findByRole('button', { name: 'Plan a hangout' }));
    const dialog = screen.getByRole('dialog', { name: 'Plan a hangout with Bob' });
    expect(within(dialog).getByLabelText('Activity')).toHaveValue('Hiking');
    await userEvent.selectOptions(within(dialog).getByLabelText('Kind of place'), 'park');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add another time' }));
    await userEvent.selectOptions(within(dialog).getByLabelText('Time 2 length'), '3');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Propose' }));

    await vi.waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const sent = calls.find((c) => c.method === 'POST')!.body as {
      activity: string;
      place_kind: string;
      options: { starts_at: string; ends_at: string }[];
    };
    expect(sent.activity).toBe('Hiking');
    expect(sent.place_kind).toBe('park');
    expect(sent.options).toHaveLength(2);
    const [first, second] = sent.options.map((o) => (Date.parse(o.ends_at) - Date.parse(o.starts_at)) / 3_600_000);
    expect([first, second]).toEqual([2, 3]);
    expect(Date.parse(sent.options[0]!.starts_at)).toBeGreaterThan(Date.now());
    expect(await screen.findByText('Waiting for Bob')).toBeInTheDocument();

    act(() => putHangoutInCache(queryClient, buildHangout({ id: 12, proposer_id: ME, status: 'accepted', accepted_option: 0 })));
    expect(await screen.findByText('Agreed')).toBeInTheDocument();
    expect(screen.queryByText('Waiting for Bob')).toBeNull();
  });

  it('shows the fields the server refused', async () => {
    setAccessToken(makeToken({ sub: String(ME) }));
    mockFetch(({ url, method }) => {
      if (method === 'GET' && url === '/api/matches/3/hangouts') return jsonResponse({ hangouts: [] });
      if (method === 'POST') {
        return jsonResponse(
          { error: 'validation_error', message: 'Some fields are invalid.', fields: { options: ['Pick a time in the future.'] } },
          422,
        );
      }
      return undefined;
    });
    renderWithProviders(<HangoutsPanel matchId={3} userId={ME} partnerName="Bob" sharedTags={[]} />);

    await userEvent.click(await screen.findByRole('button', { name: 'Plan a hangout' }));
    await userEvent.type(screen.getByLabelText('Activity'), 'Coffee');
    await userEvent.click(screen.getByRole('button', { name: 'Propose' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Times: Pick a time in the future.');
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});
