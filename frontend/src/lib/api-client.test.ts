import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, makeToken, mockFetch } from '@/testing/test-utils';
import { api, ApiError, getAccessToken, REQUEST_TIMEOUT_MS, setAccessToken } from './api-client';
import { getSession, startSession } from './session';

const oldToken = makeToken({ sub: '42', type: 'access', n: 1 });
const newToken = makeToken({ sub: '42', type: 'access', n: 2 });

describe('api client', () => {
  it('sends the in-memory access token as a Bearer header', async () => {
    setAccessToken(oldToken);
    const { calls } = mockFetch(() => jsonResponse({ id: 42 }));

    await expect(api.get('/api/me')).resolves.toEqual({ id: 42 });

    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers.get('Authorization')).toBe(`Bearer ${oldToken}`);
  });

  it('on a 401 refreshes once through the cookie with the CSRF header, then retries', async () => {
    document.cookie = 'csrf_refresh_token=csrf-abc; path=/';
    startSession(oldToken);
    const { calls } = mockFetch(({ url, headers }) => {
      if (url === '/api/auth/refresh') return jsonResponse({ access_token: newToken });
      if (headers.get('Authorization') === `Bearer ${oldToken}`) {
        return jsonResponse({ error: 'token_expired', message: 'Token has expired' }, 401);
      }
      return jsonResponse({ id: 42, username: 'alice' });
    });

    await expect(api.get('/api/me')).resolves.toEqual({ id: 42, username: 'alice' });

    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /api/me',
      'POST /api/auth/refresh',
      'GET /api/me',
    ]);
    const refresh = calls[1]!;
    expect(refresh.init.credentials).toBe('include');
    expect(refresh.headers.get('X-CSRF-TOKEN')).toBe('csrf-abc');
    expect(refresh.headers.get('Authorization')).toBeNull();
    expect(calls[2]!.headers.get('Authorization')).toBe(`Bearer ${newToken}`);
    expect(getAccessToken()).toBe(newToken);
    expect(getSession()).toEqual({ status: 'signed-in', userId: 42 });
  });

  it('signs out when the refresh fails and does not retry the request', async () => {
    startSession(oldToken);
    const { calls } = mockFetch(({ url }) => {
      if (url === '/api/auth/refresh') {
        return jsonResponse({ error: 'token_revoked', message: 'Token has been revoked' }, 401);
      }
      return jsonResponse({ error: 'token_expired', message: 'Token has expired' }, 401);
    });

    const error = await api.get('/api/matches').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(calls.map((c) => c.url)).toEqual(['/api/matches', '/api/auth/refresh']);
    expect(getAccessToken()).toBeNull();
    expect(getSession()).toEqual({ status: 'signed-out' });
  });

  it('shares one refresh between requests that fail together', async () => {
    startSession(oldToken);
    const { calls } = mockFetch(({ url, headers }) => {
      if (url === '/api/auth/refresh') return jsonResponse({ access_token: newToken });
      if (headers.get('Authorization') === `Bearer ${newToken}`) return jsonResponse({ ok: url });
      return jsonResponse({ error: 'token_expired', message: 'Token has expired' }, 401);
    });

    const results = await Promise.all([api.get('/api/me'), api.get('/api/matches'), api.get('/api/discover')]);

    expect(results).toEqual([{ ok: '/api/me' }, { ok: '/api/matches' }, { ok: '/api/discover' }]);
    expect(calls.filter((c) => c.url === '/api/auth/refresh')).toHaveLength(1);
  });

  it('does not refresh for the login call itself: a 401 there is the answer', async () => {
    const { calls } = mockFetch(() =>
      jsonResponse({ error: 'unauthorized', message: 'Invalid username or password.' }, 401),
    );

    const error = await api
      .post('/api/auth/login', { username: 'a', password: 'b' }, { auth: false })
      .catch((e: unknown) => e);

    expect((error as ApiError).message).toBe('Invalid username or password.');
    expect(calls).toHaveLength(1);
  });

  it('turns the contract error shape into an ApiError with field messages', async () => {
    setAccessToken(oldToken);
    mockFetch(() =>
      jsonResponse(
        {
          error: 'validation_error',
          message: 'Some fields are invalid.',
          fields: { zip_code: ['Unknown ZIP code.'], hobbies: ['Add at least one.', 'Too long.'] },
        },
        422,
      ),
    );

    const error = (await api.patch('/api/me', { zip_code: '00000' }).catch((e: unknown) => e)) as ApiError;

    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.code).toBe('validation_error');
    expect(error.fieldError('zip_code')).toBe('Unknown ZIP code.');
    expect(error.fieldError('hobbies')).toBe('Add at least one. Too long.');
    expect(error.fieldError('bio')).toBeUndefined();
  });

  it('gives a readable message when the server answers with something that is not the contract', async () => {
    setAccessToken(oldToken);
    mockFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }));

    const error = (await api.get('/api/me').catch((e: unknown) => e)) as ApiError;

    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/something went wrong/i);
  });

  it('returns undefined for 204 No Content', async () => {
    setAccessToken(oldToken);
    mockFetch(() => new Response(null, { status: 204 }));
    await expect(api.post('/api/matches/3/read')).resolves.toBeUndefined();
  });

  it('returns a file download as a Blob, and still turns its JSON errors into ApiErrors', async () => {
    setAccessToken(oldToken);
    const { calls } = mockFetch(({ url }) =>
      url === '/api/me/export'
        ? new Response('PK-zip-bytes', { status: 200, headers: { 'Content-Type': 'application/zip' } })
        : jsonResponse({ error: 'not_found', message: 'Nothing here.' }, 404),
    );

    const blob = await api.getBlob('/api/me/export');
    expect(blob.type).toBe('application/zip');
    expect(await blob.text()).toBe('PK-zip-bytes');
    expect(calls[0]!.headers.get('Authorization')).toBe(`Bearer ${oldToken}`);

    await expect(api.getBlob('/api/elsewhere')).rejects.toMatchObject({ status: 404, message: 'Nothing here.' });
  });

  describe('a server that does not answer', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** A fetch that never answers; it ends only when its signal aborts, as a browser's does. */
    const hangingFetch = () =>
      mockFetch(
        ({ init }) =>
          new Promise<Response>((_, reject) => {
            init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
          }),
      );

    it(`fails after ${REQUEST_TIMEOUT_MS / 1000} s with the same error as a failed connection`, async () => {
      vi.useFakeTimers();
      setAccessToken(oldToken);
      hangingFetch();

      let outcome: unknown = 'pending';
      void api.post('/api/matches/3/messages', { body: 'Hi' }).catch((error: unknown) => (outcome = error));
      await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1);
      expect(outcome).toBe('pending');
      await vi.advanceTimersByTimeAsync(1);

      expect(outcome).toBeInstanceOf(ApiError);
      expect(outcome).toMatchObject({ status: 0, code: 'network_error' });
      expect((outcome as ApiError).message).toMatch(/^Can't reach Friender/);
    });

    it("still lets the caller cancel: that is an abort, not a network error", async () => {
      vi.useFakeTimers();
      setAccessToken(oldToken);
      hangingFetch();
      const controller = new AbortController();

      const result = api.get('/api/matches', { signal: controller.signal }).catch((error: unknown) => error);
      controller.abort();

      expect(await result).toMatchObject({ name: 'AbortError' });
    });

    it('stops the clock once the answer has started, so a long download is not cut', async () => {
      vi.useFakeTimers();
      setAccessToken(oldToken);
      mockFetch(() => jsonResponse({ id: 42 }));
      const timersBefore = vi.getTimerCount();

      await expect(api.get('/api/me')).resolves.toEqual({ id: 42 });
      expect(vi.getTimerCount()).toBe(timersBefore);
    });
  });
});
