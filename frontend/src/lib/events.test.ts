import { describe, expect, it, vi } from 'vitest';
import * as apiClient from './api-client';
import { openEventStream, openSharedEventStream, parseServerEvent } from './events';

/** A stream response that stays open after its frames, like the server's. */
function openStreamResponse(frames: string): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(frames));
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

/** Serves `first` to the first connection and `then` to later ones; returns each one's Last-Event-ID. */
function serveStream(first: string, then: string): (string | null)[] {
  const lastEventIds: (string | null)[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: RequestInit) => {
      lastEventIds.push(new Headers(init.headers).get('Last-Event-ID'));
      return openStreamResponse(lastEventIds.length === 1 ? first : then);
    }),
  );
  return lastEventIds;
}

describe('parseServerEvent', () => {
  it('parses the four event types with JSON data and keeps the id for Last-Event-ID', () => {
    expect(parseServerEvent({ event: 'message', data: '{"id":5,"match_id":3}', id: '17' })).toEqual({
      type: 'message',
      data: { id: 5, match_id: 3 },
      id: '17',
    });
    for (const type of ['match', 'unmatch', 'read', 'resync']) {
      expect(parseServerEvent({ event: type, data: '{}', id: '' })?.type).toBe(type);
    }
  });

  it('ignores heartbeats, unknown events and broken JSON', () => {
    expect(parseServerEvent({ event: '', data: '', id: '' })).toBeNull();
    expect(parseServerEvent({ event: 'ping', data: '{}', id: '' })).toBeNull();
    expect(parseServerEvent({ event: 'message', data: '{oops', id: '' })).toBeNull();
  });
});

describe('openEventStream', () => {
  it('refreshes the token at once when the server ends the stream with token_expired', async () => {
    const tokens = ['old-token', 'new-token'];
    vi.spyOn(apiClient, 'getAccessToken').mockImplementation(() => tokens[0] ?? null);
    const refresh = vi.spyOn(apiClient, 'refreshAccessToken').mockImplementation(async () => {
      tokens.shift();
      return tokens[0] ?? null;
    });
    const seen: string[] = [];
    let calls = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        calls += 1;
        seen.push(new Headers(init.headers).get('Authorization') ?? '');
        const body = calls === 1 ? 'event: token_expired\ndata: {}\n\n' : 'event: resync\ndata: {}\n\n';
        return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
      }),
    );
    const events: string[] = [];

    const close = openEventStream({ onEvent: (event) => events.push(event.type) });
    await vi.waitFor(() => expect(events).toContain('resync'), { timeout: 900 });
    close();

    expect(refresh).toHaveBeenCalledTimes(1);
    expect(seen.slice(0, 2)).toEqual(['Bearer old-token', 'Bearer new-token']);
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('after being replaced by another tab, reconnects only when this tab is focused again', async () => {
    vi.spyOn(apiClient, 'getAccessToken').mockReturnValue('token');
    const seenLastEventIds = serveStream(
      'event: ready\nid: 41\ndata: {}\n\nevent: reconnect\ndata: {"reason": "replaced"}\n\n',
      'event: resync\ndata: {}\n\n',
    );
    const statuses: string[] = [];
    const events: string[] = [];

    const close = openEventStream({
      onEvent: (event) => events.push(event.type),
      onStatusChange: (status) => statuses.push(status),
    });
    await vi.waitFor(() => expect(statuses).toContain('paused'), { timeout: 900 });
    await Promise.resolve();
    expect(fetch).toHaveBeenCalledTimes(1); // no reconnect while the tab is not in use

    window.dispatchEvent(new Event('focus'));
    await vi.waitFor(() => expect(events).toContain('resync'), { timeout: 900 });
    close();

    expect(seenLastEventIds).toEqual([null, '41']); // resumes where it left off
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });
});

/** Web Locks as one browser grants them: one holder per name, the others wait in order. */
function browserLocks(): LockManager {
  let tail: Promise<unknown> = Promise.resolve();
  const request = (_name: string, options: LockOptions, callback: LockGrantedCallback<unknown>) =>
    new Promise((resolve, reject) => {
      const turn = tail.then(async () => {
        if (options.signal?.aborted) return reject(new DOMException('Aborted', 'AbortError'));
        resolve(await callback(null));
      });
      tail = turn.catch(() => undefined);
    });
  return { request } as unknown as LockManager;
}

describe('openSharedEventStream', () => {
  it('keeps one stream for all tabs, relays its events, and hands it on when the reading tab closes', async () => {
    vi.spyOn(apiClient, 'getAccessToken').mockReturnValue('token');
    const seenLastEventIds = serveStream(
      'event: ready\nid: 41\ndata: {}\n\nevent: message\nid: 42\ndata: {"id":42}\n\n',
      'event: resync\ndata: {}\n\n',
    );
    const locks = browserLocks();
    const first: string[] = [];
    const second: string[] = [];

    const closeFirst = openSharedEventStream({ userId: 7, locks, onEvent: (event) => first.push(event.type) });
    await vi.waitFor(() => expect(first).toEqual(['message']), { timeout: 900 });
    const relayed: unknown[] = [];
    const listener = new BroadcastChannel('friender-events:7');
    listener.onmessage = ({ data }: MessageEvent) => relayed.push(data);
    const closeSecond = openSharedEventStream({ userId: 7, locks, onEvent: (event) => second.push(event.type) });
    // The new tab asks where the stream is, and the reading tab answers.
    await vi.waitFor(() => expect(relayed).toContainEqual({ kind: 'event-id', id: '42' }), { timeout: 900 });
    listener.close();
    expect(fetch).toHaveBeenCalledTimes(1);

    closeFirst(); // the reading tab closes: the waiting tab takes over from the last id seen
    await vi.waitFor(() => expect(second).toEqual(['resync']), { timeout: 900 });
    expect(seenLastEventIds).toEqual([null, '42']);
    closeSecond();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('relays every event the reading tab receives to the other tabs', async () => {
    vi.spyOn(apiClient, 'getAccessToken').mockReturnValue('token');
    let push: (frames: string) => void = () => undefined;
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            push = (frames) => controller.enqueue(new TextEncoder().encode(frames));
          },
        });
        return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
      }),
    );
    const locks = browserLocks();
    const tabs: string[][] = [[], [], []];
    const closers = tabs.map((seen) =>
      openSharedEventStream({ userId: 7, locks, onEvent: (event) => seen.push(event.type) }),
    );
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1), { timeout: 900 });

    push('event: match\ndata: {"id":3}\n\nevent: message\nid: 9\ndata: {"id":9}\n\n');
    await vi.waitFor(() => expect(tabs).toEqual([['match', 'message'], ['match', 'message'], ['match', 'message']]), {
      timeout: 900,
    });
    expect(fetch).toHaveBeenCalledTimes(1);
    closers.forEach((close) => close());
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });
});
