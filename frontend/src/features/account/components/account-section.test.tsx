import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getAccessToken, setAccessToken } from '@/lib/api-client';
import { getSession, SESSION_CHANNEL, startSession } from '@/lib/session';
import { jsonResponse, makeToken, mockFetch, renderWithProviders } from '@/testing/test-utils';
import { AccountSection } from './account-section';

async function openDeleteDialog() {
  await userEvent.click(screen.getByRole('button', { name: 'Delete account' }));
  return screen.getByRole('dialog', { name: 'Delete your account?' });
}

describe('AccountSection: delete account', () => {
  it('shows a wrong password (403) next to the Password field and stays signed in', async () => {
    const token = makeToken({ sub: '42' });
    startSession(token);
    const { calls } = mockFetch(() => jsonResponse({ error: 'forbidden', message: 'Invalid password.' }, 403));
    renderWithProviders(<AccountSection />);

    const dialog = await openDeleteDialog();
    await userEvent.type(within(dialog).getByLabelText('Password'), 'wrong-password');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete account' }));

    const password = within(dialog).getByLabelText('Password');
    await vi.waitFor(() => expect(password).toHaveAccessibleDescription('That password is not correct.'));
    expect(password).toHaveAttribute('aria-invalid', 'true');
    expect(calls[0]).toMatchObject({ url: '/api/me', method: 'DELETE', body: { password: 'wrong-password' } });
    expect(getSession()).toEqual({ status: 'signed-in', userId: 42 });
    expect(getAccessToken()).toBe(token);
  });

  it('on 204 ends the session, marked as a deleted account', async () => {
    startSession(makeToken({ sub: '42' }));
    const { calls } = mockFetch(({ url, method }) =>
      url === '/api/me' && method === 'DELETE' ? new Response(null, { status: 204 }) : undefined,
    );
    renderWithProviders(<AccountSection />);

    const dialog = await openDeleteDialog();
    await userEvent.type(within(dialog).getByLabelText('Password'), 'correct horse');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete account' }));

    await vi.waitFor(() => expect(getSession()).toEqual({ status: 'signed-out', reason: 'account-deleted' }));
    expect(getAccessToken()).toBeNull();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'DELETE', body: { password: 'correct horse' } });
  });

  it('signs out the other tabs of the browser too', async () => {
    const otherTab = new BroadcastChannel(SESSION_CHANNEL);
    const heard = new Promise((resolve) => {
      otherTab.onmessage = (event: MessageEvent) => resolve(event.data);
    });
    startSession(makeToken({ sub: '42' }));
    mockFetch(() => new Response(null, { status: 204 }));
    renderWithProviders(<AccountSection />);

    const dialog = await openDeleteDialog();
    await userEvent.type(within(dialog).getByLabelText('Password'), 'correct horse');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete account' }));

    expect(await heard).toEqual({ type: 'signed-out' });
    otherTab.close();
  });

  it('asks for the password before sending anything', async () => {
    startSession(makeToken({ sub: '42' }));
    const { calls } = mockFetch(() => new Response(null, { status: 204 }));
    renderWithProviders(<AccountSection />);

    const dialog = await openDeleteDialog();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete account' }));

    expect(within(dialog).getByLabelText('Password')).toHaveAccessibleDescription('Enter your password to confirm.');
    expect(calls).toHaveLength(0);
    expect(getSession().status).toBe('signed-in');
  });
});

describe('AccountSection: download my data', () => {
  afterEach(() => {
    // jsdom has no object URLs; the tests install their own.
    delete (URL as { createObjectURL?: unknown }).createObjectURL;
    delete (URL as { revokeObjectURL?: unknown }).revokeObjectURL;
  });

  it('fetches the ZIP with the Bearer token and saves it as friender-export.zip', async () => {
    const token = makeToken({ sub: '42' });
    setAccessToken(token);
    const zipBytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    const { calls } = mockFetch(({ url }) =>
      url === '/api/me/export'
        ? new Response(zipBytes, { status: 200, headers: { 'Content-Type': 'application/zip' } })
        : undefined,
    );
    const createObjectURL = vi.fn((_blob: Blob) => 'blob:friender/export-1');
    const revokeObjectURL = vi.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const clicked: { href: string; download: string; inDocument: boolean }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download, inDocument: document.body.contains(this) });
    });
    renderWithProviders(<AccountSection />);

    await userEvent.click(screen.getByRole('button', { name: 'Download my data' }));

    await vi.waitFor(() => expect(clicked).toHaveLength(1));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('GET');
    expect(calls[0]!.headers.get('Authorization')).toBe(`Bearer ${token}`);
    expect(createObjectURL).toHaveBeenCalledTimes(1);
    const blob = createObjectURL.mock.calls[0]![0];
    expect(blob.type).toBe('application/zip');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(zipBytes);
    expect(clicked[0]).toEqual({ href: 'blob:friender/export-1', download: 'friender-export.zip', inDocument: true });
    expect(document.querySelector('a[download]')).toBeNull(); // the temporary link is gone
  });

  it('shows the error and downloads nothing when the export fails', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    mockFetch(() => jsonResponse({ error: 'service_unavailable', message: 'Storage is down.' }, 503));
    const createObjectURL = vi.fn(() => 'blob:x');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    renderWithProviders(<AccountSection />);

    await userEvent.click(screen.getByRole('button', { name: 'Download my data' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Storage is down.');
    expect(createObjectURL).not.toHaveBeenCalled();
  });
});
