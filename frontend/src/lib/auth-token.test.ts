import { describe, expect, it } from 'vitest';
import { jsonResponse, makeToken, mockFetch } from '@/testing/test-utils';
import { userIdFromToken } from './auth-token';
import { endSession, getSession, restoreSession, SESSION_HINT_KEY, startSession } from './session';

describe('userIdFromToken', () => {
  it('reads the user id from the sub claim, which the API sends as a string', () => {
    expect(userIdFromToken(makeToken({ sub: '42', fresh: false }))).toBe(42);
  });

  it('rejects tokens without a numeric string sub', () => {
    expect(userIdFromToken(makeToken({ sub: 'alice' }))).toBeNull();
    expect(userIdFromToken(makeToken({ user_id: 42 }))).toBeNull();
    expect(userIdFromToken(makeToken({ sub: '' }))).toBeNull();
    expect(userIdFromToken('not-a-jwt')).toBeNull();
  });
});

describe('session', () => {
  it('knows who is signed in from the token sub after login', () => {
    expect(startSession(makeToken({ sub: '42' }))).toBe(42);
    expect(getSession()).toEqual({ status: 'signed-in', userId: 42 });
  });

  it('restores the session on page load by refreshing through the cookie first', async () => {
    localStorage.setItem(SESSION_HINT_KEY, '1');
    const { calls } = mockFetch(({ url }) =>
      url === '/api/auth/refresh' ? jsonResponse({ access_token: makeToken({ sub: '9' }) }) : undefined,
    );
    expect(getSession()).toEqual({ status: 'loading' });

    await restoreSession();

    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/auth/refresh']);
    expect(getSession()).toEqual({ status: 'signed-in', userId: 9 });
    expect(localStorage.getItem(SESSION_HINT_KEY)).not.toBeNull();
  });

  it('is signed out after a page load without a valid refresh cookie, and stops trying', async () => {
    localStorage.setItem(SESSION_HINT_KEY, '1');
    mockFetch(() => jsonResponse({ error: 'unauthorized', message: 'Missing cookie' }, 401));
    await restoreSession();
    expect(getSession()).toEqual({ status: 'signed-out' });
    expect(localStorage.getItem(SESSION_HINT_KEY)).toBeNull();
  });

  it('sends no request on a page load in a browser that holds no session', async () => {
    const { calls } = mockFetch(() => jsonResponse({ error: 'unauthorized', message: 'Missing cookie' }, 401));

    await restoreSession();

    expect(calls).toHaveLength(0);
    expect(getSession()).toEqual({ status: 'signed-out' });
  });

  it('remembers that this browser holds a session from login until logout', () => {
    startSession(makeToken({ sub: '42' }));
    expect(localStorage.getItem(SESSION_HINT_KEY)).not.toBeNull();

    endSession();

    expect(localStorage.getItem(SESSION_HINT_KEY)).toBeNull();
  });
});
