import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { setAccessToken } from '@/lib/api-client';
import { jsonResponse, makeToken, mockFetch, renderWithProviders } from '@/testing/test-utils';
import { ReportDialog } from './report-dialog';

describe('ReportDialog', () => {
  it('requires a reason before sending anything', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    const { calls } = mockFetch(() => new Response(null, { status: 201 }));
    renderWithProviders(<ReportDialog userId={7} name="Bob" onClose={vi.fn()} />);

    expect(screen.getByRole('dialog', { name: 'Report Bob' })).toBeInTheDocument();
    const reason = screen.getByLabelText('Reason');
    expect(reason).toHaveAttribute('maxLength', '1000');

    await userEvent.type(reason, '   ');
    await userEvent.click(screen.getByRole('button', { name: 'Send report' }));

    expect(reason).toHaveAttribute('aria-invalid', 'true');
    expect(reason).toHaveAccessibleDescription(/Tell us what happened\./);
    expect(calls).toHaveLength(0);
  });

  it('sends the trimmed reason and thanks the reporter', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    const { calls } = mockFetch(({ url }) => (url === '/api/reports' ? new Response(null, { status: 201 }) : undefined));
    renderWithProviders(<ReportDialog userId={7} name="Bob" onClose={vi.fn()} />);

    await userEvent.type(screen.getByLabelText('Reason'), '  Rude messages  ');
    await userEvent.click(screen.getByRole('button', { name: 'Send report' }));

    await screen.findByRole('dialog', { name: 'Thanks for telling us' });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: '/api/reports', method: 'POST', body: { user_id: 7, reason: 'Rude messages' } });
  });

  it('sends the chosen category, and then the reason may stay empty', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    const { calls } = mockFetch(({ url }) => (url === '/api/reports' ? new Response(null, { status: 201 }) : undefined));
    renderWithProviders(<ReportDialog userId={7} name="Bob" onClose={vi.fn()} />);

    await userEvent.selectOptions(screen.getByLabelText('Category'), 'Harassment or threats');
    await userEvent.click(screen.getByRole('button', { name: 'Send report' }));

    await screen.findByRole('dialog', { name: 'Thanks for telling us' });
    expect(calls[0]).toMatchObject({ body: { user_id: 7, category: 'harassment', reason: '' } });
  });

  it('does not add a second full stop after a name that ends with one', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    mockFetch(() => new Response(null, { status: 201 }));
    renderWithProviders(<ReportDialog userId={7} name="Raven C." onClose={vi.fn()} />);

    await userEvent.type(screen.getByLabelText('Reason'), 'Spam');
    await userEvent.click(screen.getByRole('button', { name: 'Send report' }));

    expect(await screen.findByRole('status')).toHaveTextContent(/^We will review your report about Raven C\. You can/);
  });

  it('says so when this person was already reported (409)', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    mockFetch(() => jsonResponse({ error: 'conflict', message: 'Report already exists.' }, 409));
    renderWithProviders(<ReportDialog userId={7} name="Bob" onClose={vi.fn()} />);

    await userEvent.type(screen.getByLabelText('Reason'), 'Spam');
    await userEvent.click(screen.getByRole('button', { name: 'Send report' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('You already reported this person.');
    expect(screen.queryByText('Report already exists.')).not.toBeInTheDocument();
    expect(screen.getByRole('dialog', { name: 'Report Bob' })).toBeInTheDocument();
  });

  it('shows a server-side reason error next to the field', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    mockFetch(() =>
      jsonResponse({ error: 'validation_error', message: 'Invalid.', fields: { reason: ['Too long.'] } }, 422),
    );
    renderWithProviders(<ReportDialog userId={7} name="Bob" onClose={vi.fn()} />);

    await userEvent.type(screen.getByLabelText('Reason'), 'Spam');
    await userEvent.click(screen.getByRole('button', { name: 'Send report' }));

    await vi.waitFor(() => expect(screen.getByLabelText('Reason')).toHaveAccessibleDescription(/Too long\./));
  });
});
