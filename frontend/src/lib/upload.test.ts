import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, makeToken, mockFetch } from '@/testing/test-utils';
import { ApiError, getAccessToken } from './api-client';
import { getSession, startSession } from './session';
import { upload } from './upload';

const oldToken = makeToken({ sub: '42', type: 'access', n: 1 });
const newToken = makeToken({ sub: '42', type: 'access', n: 2 });

type Answer = { status: number; body: unknown };

/** A stand-in XMLHttpRequest that records each upload's Authorization and answers from `answers`. */
function fakeXhr(answer: (authorization: string | null) => Answer) {
  const sent: (string | null)[] = [];
  class FakeXhr {
    status = 0;
    responseText = '';
    upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    private headers = new Map<string, string>();
    open() {}
    setRequestHeader(name: string, value: string) {
      this.headers.set(name, value);
    }
    getResponseHeader(name: string) {
      return name === 'Content-Type' ? 'application/json' : null;
    }
    abort() {}
    send() {
      const authorization = this.headers.get('Authorization') ?? null;
      sent.push(authorization);
      const { status, body } = answer(authorization);
      this.status = status;
      this.responseText = JSON.stringify(body);
      queueMicrotask(() => this.onload?.());
    }
  }
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  return sent;
}

const expired = { status: 401, body: { error: 'token_expired', message: 'Token has expired' } };

describe('upload', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('on a 401 refreshes once, like every other call, and sends the form again with the new token', async () => {
    startSession(oldToken);
    const { calls } = mockFetch(({ url }) =>
      url === '/api/auth/refresh' ? jsonResponse({ access_token: newToken }) : undefined,
    );
    const sent = fakeXhr((authorization) =>
      authorization === `Bearer ${oldToken}` ? expired : { status: 201, body: { photos: [] } },
    );

    await expect(upload('/api/me/photos', new FormData())).resolves.toEqual({ photos: [] });

    expect(sent).toEqual([`Bearer ${oldToken}`, `Bearer ${newToken}`]);
    expect(calls.map((c) => c.url)).toEqual(['/api/auth/refresh']);
    expect(getAccessToken()).toBe(newToken);
  });

  it('ends the session when even the fresh token is refused', async () => {
    startSession(oldToken);
    mockFetch(({ url }) => (url === '/api/auth/refresh' ? jsonResponse({ access_token: newToken }) : undefined));
    const sent = fakeXhr(() => expired);

    const error = await upload('/api/me/photos', new FormData()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(sent).toHaveLength(2);
    expect(getAccessToken()).toBeNull();
    expect(getSession().status).toBe('signed-out');
  });

  it('sends no token and never refreshes for a presigned URL (auth: false)', async () => {
    startSession(oldToken);
    const { calls } = mockFetch(() => undefined);
    const sent = fakeXhr(() => expired);

    await expect(upload('https://bucket.example/upload', new FormData(), { auth: false })).rejects.toBeInstanceOf(ApiError);

    expect(sent).toEqual([null]);
    expect(calls).toHaveLength(0);
    expect(getAccessToken()).toBe(oldToken);
  });
});
