import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setAccessToken } from '@/lib/api-client';
import { jsonResponse, makeToken, mockFetch, renderWithProviders } from '@/testing/test-utils';
import { PhotoManager } from './photo-manager';

type Answer = { status: number; body?: unknown } | 'network error';

/** Stands in for XMLHttpRequest (uploads use it for progress): answers each send in turn. */
function fakeUploads(answers: Answer[]) {
  const sent: string[] = [];
  class FakeXhr {
    status = 0;
    responseText = '';
    upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    private url = '';
    open(_method: string, url: string) {
      this.url = url;
    }
    setRequestHeader() {}
    getResponseHeader(name: string) {
      return name.toLowerCase() === 'content-type' ? 'application/json' : null;
    }
    abort() {}
    send() {
      sent.push(this.url);
      const answer = answers.shift() ?? 'network error';
      setTimeout(() => {
        if (answer === 'network error') return this.onerror?.();
        this.status = answer.status;
        this.responseText = answer.body === undefined ? '' : JSON.stringify(answer.body);
        this.onload?.();
      });
    }
  }
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  return sent;
}

function renderManager() {
  setAccessToken(makeToken({ sub: '42' }));
  mockFetch(({ url }) => (url === '/api/me/photos' ? jsonResponse({ photos: [] }) : undefined));
  renderWithProviders(<PhotoManager />);
}

const png = (name: string) => new File(['not really a png'], name, { type: 'image/png' });

describe('PhotoManager uploads', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('offers Retry for a lost connection or a server error, not for a file the server refuses', async () => {
    const sent = fakeUploads([
      { status: 415, body: { error: 'unsupported_media_type', message: 'That file is not an image.' } },
      { status: 503, body: { error: 'unavailable', message: 'Friender is temporarily unavailable.' } },
      'network error',
    ]);
    renderManager();

    await userEvent.upload(screen.getByLabelText('Choose photos'), [png('fake.png'), png('busy.png'), png('offline.png')]);

    const uploads = await screen.findByRole('list', { name: 'Uploads' });
    const row = (name: string) => within(uploads).getByText(name).closest('li')!;
    await vi.waitFor(() => expect(within(uploads).getAllByRole('alert')).toHaveLength(3));
    expect(row('fake.png')).toHaveTextContent('That file is not an image.');
    expect(within(row('fake.png')).queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
    expect(within(row('busy.png')).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(within(row('offline.png')).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(sent).toHaveLength(3);
  });

  it('lists what a ZIP archive added and skipped under its name, one sentence each', async () => {
    fakeUploads([
      {
        status: 201,
        body: {
          photos: [],
          skipped: [
            { name: 'readme.txt', reason: 'Only JPEG, PNG and WebP images are accepted.' },
            { name: '__MACOSX/._two.jpg', reason: 'Not a photo' },
          ],
        },
      },
    ]);
    renderManager();

    const zip = new File(['PK'], 'photos.zip', { type: 'application/zip' });
    await userEvent.upload(screen.getByLabelText('Choose a ZIP archive'), zip);

    const skipped = await screen.findByRole('list', { name: 'Skipped from photos.zip' });
    expect(within(skipped).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'readme.txt: Only JPEG, PNG and WebP images are accepted.',
      '__MACOSX/._two.jpg: Not a photo.',
    ]);
    const row = screen.getByText('photos.zip').closest('li')!;
    expect(row).toHaveTextContent('0 photos added.');
    expect(row.textContent).not.toContain('.).');
    expect(screen.getByText('photos.zip')).toHaveAttribute('title', 'photos.zip');
  });
});

describe('PhotoManager deletion', () => {
  const photo = (id: number, position: number) => ({
    id,
    url: `https://img.example/${id}.jpg`,
    thumb_url: `https://img.example/${id}-thumb.jpg`,
    width: 400,
    height: 400,
    blurhash: null,
    position,
    created_at: '2026-01-01T00:00:00Z',
  });

  it("asks in the app's own dialog, not the browser's confirm(), and deletes only on yes", async () => {
    const browserConfirm = vi.spyOn(window, 'confirm');
    setAccessToken(makeToken({ sub: '42' }));
    let photos = [photo(1, 0), photo(2, 1)];
    const { calls } = mockFetch(({ url, method }) => {
      if (url === '/api/me/photos') return jsonResponse({ photos });
      if (url === '/api/me/photos/2' && method === 'DELETE') {
        photos = photos.filter((p) => p.id !== 2);
        return new Response(null, { status: 204 });
      }
      return undefined;
    });
    renderWithProviders(<PhotoManager />);
    const deleteButton = await screen.findByRole('button', { name: 'Delete photo 2' });

    await userEvent.click(deleteButton);
    let dialog = screen.getByRole('dialog', { name: 'Delete photo 2?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(deleteButton).toHaveFocus();

    await userEvent.click(deleteButton);
    dialog = screen.getByRole('dialog', { name: 'Delete photo 2?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(0);

    await userEvent.click(deleteButton);
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete photo' }));

    await vi.waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual(['/api/me/photos/2']);
    await vi.waitFor(() => expect(screen.getAllByRole('img', { name: /^Photo \d$/ })).toHaveLength(1));
    expect(browserConfirm).not.toHaveBeenCalled();
  });

  it('keeps the dialog open with the reason when the deletion fails', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    mockFetch(({ url, method }) => {
      if (url === '/api/me/photos') return jsonResponse({ photos: [photo(1, 0)] });
      if (method === 'DELETE') return jsonResponse({ error: 'service_unavailable', message: 'Storage is unavailable.' }, 503);
      return undefined;
    });
    renderWithProviders(<PhotoManager />);

    await userEvent.click(await screen.findByRole('button', { name: 'Delete photo 1' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete photo 1?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete photo' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Storage is unavailable.');
    expect(screen.getByRole('dialog', { name: 'Delete photo 1?' })).toBeInTheDocument();
  });
});
