import { describe, expect, it, vi } from 'vitest';
import * as apiClient from './api-client';
import { openEventStream, parseServerEvent } from './events';

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
    const seenLastEventIds: (string | null)[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        seenLastEventIds.push(new Headers(init.headers).get('Last-Event-ID'));
        const body =
          seenLastEventIds.length === 1
            ? 'event: ready\nid: 41\ndata: {}\n\nevent: reconnect\ndata: {"reason": "replaced"}\n\n'
            : 'event: resync\ndata: {}\n\n';
        return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
      }),
    );
    const statuses: string[] = [];
    const events: string[] = [];

    const close = openEventStream({
      onEvent: (event) => events.push(event.type),
      onStatusChange: (status) => statuses.push(status),
    });
    await vi.waitFor(() => expect(statuses).toContain('stopped'), { timeout: 900 });
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
