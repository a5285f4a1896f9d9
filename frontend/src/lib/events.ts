import { fetchEventSource, type EventSourceMessage } from '@microsoft/fetch-event-source';
import { getAccessToken, refreshAccessToken } from './api-client';

// The live stream GET /api/events, read with fetch so the access token travels as a Bearer header
// (EventSource cannot send headers). Reconnects after drops with Last-Event-ID so the server can
// replay what was missed, and refreshes the token when the stream answers 401 or ends with
// `token_expired` / `token_revoked` (the server closes a stream whose token stops being valid).
// A stream `replaced` by a newer one of the same account waits until its tab is in use again.
//
// A browser opens one stream per account, not one per tab: Chromium allows six HTTP/1.1
// connections per host, so a stream in each of six tabs would leave none for the seventh tab's
// requests. The tab holding a Web Lock reads the stream and relays it to the others over a
// BroadcastChannel; when that tab closes, the next one takes the lock and resumes from the last
// event id every tab has seen.

export type ServerEventName = 'message' | 'match' | 'unmatch' | 'read' | 'resync' | 'typing' | 'hangout';
export type ServerEvent = { type: ServerEventName; data: unknown; id?: string };
export type ServerEventHandler = (event: ServerEvent) => void;

// `resync`: more was missed than the server replays, so cached conversations must be reloaded.
const EVENT_NAMES: readonly string[] = ['message', 'match', 'unmatch', 'read', 'resync', 'typing', 'hangout'];
const TOKEN_ENDED: readonly string[] = ['token_expired', 'token_revoked'];
export const EVENTS_PATH = '/api/events';

class UnauthorizedStream extends Error {}
class FatalStream extends Error {}
class StreamClosed extends Error {}
class ReplacedStream extends Error {}

/** True for `reconnect {"reason": "replaced"}`: a newer stream of this account took this one's place. */
function isReplaced(message: EventSourceMessage): boolean {
  if (message.event !== 'reconnect') return false;
  try {
    return (JSON.parse(message.data) as { reason?: string }).reason === 'replaced';
  } catch {
    return false;
  }
}

/** Resolves when the person comes back to this tab (shown or focused), or when `signal` aborts. */
function returnToTab(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('focus', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') done();
    };
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('focus', done);
    signal.addEventListener('abort', done);
  });
}

/** Turns one SSE frame into a typed event, or null for heartbeats and unknown event names. */
export function parseServerEvent(message: EventSourceMessage): ServerEvent | null {
  if (!EVENT_NAMES.includes(message.event)) return null;
  let data: unknown = null;
  if (message.data) {
    try {
      data = JSON.parse(message.data);
    } catch {
      return null;
    }
  }
  return { type: message.event as ServerEventName, data, id: message.id || undefined };
}

/** `paused`: replaced by a newer stream, waiting for this tab to be in use; `stopped`: for good. */
export type StreamStatus = 'connecting' | 'open' | 'retrying' | 'paused' | 'stopped';

export type EventStreamOptions = {
  onEvent: ServerEventHandler;
  onStatusChange?: (status: StreamStatus) => void;
  /** Where to resume: the id of the last frame already seen (sent as Last-Event-ID). */
  lastEventId?: string;
  /** Called with each frame's id, heartbeats and unknown events included. */
  onEventId?: (id: string) => void;
};

/** Opens the stream; returns a function that closes it. */
export function openEventStream({
  onEvent,
  onStatusChange,
  lastEventId: resumeFrom,
  onEventId,
}: EventStreamOptions): () => void {
  const controller = new AbortController();
  let lastEventId = resumeFrom;
  let attempt = 0;

  const run = async () => {
    while (!controller.signal.aborted) {
      const token = getAccessToken();
      if (!token) {
        onStatusChange?.('stopped');
        return;
      }
      const headers: Record<string, string> = {
        Authorization: `Bearer ${token}`,
        Accept: 'text/event-stream',
      };
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      onStatusChange?.(attempt === 0 ? 'connecting' : 'retrying');
      try {
        await fetchEventSource(EVENTS_PATH, {
          headers,
          signal: controller.signal,
          openWhenHidden: true,
          async onopen(response) {
            if (response.status === 401) throw new UnauthorizedStream();
            const type = response.headers.get('Content-Type') ?? '';
            if (!response.ok || !type.includes('text/event-stream')) {
              throw response.status >= 400 && response.status < 500 && response.status !== 429
                ? new FatalStream(`events: HTTP ${response.status}`)
                : new Error(`events: HTTP ${response.status}`);
            }
            attempt = 0;
            onStatusChange?.('open');
          },
          onmessage(message) {
            if (TOKEN_ENDED.includes(message.event)) throw new UnauthorizedStream();
            if (isReplaced(message)) throw new ReplacedStream();
            if (message.id) {
              lastEventId = message.id;
              onEventId?.(message.id);
            }
            const event = parseServerEvent(message);
            if (event) onEvent(event);
          },
          onclose() {
            // The server ended the stream (deploy, timeout): reconnect from the outer loop.
            throw new StreamClosed();
          },
          onerror(error) {
            // Rethrowing hands control to the outer loop, which picks the token and the delay.
            throw error;
          },
        });
        return; // aborted
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof FatalStream) {
          onStatusChange?.('stopped');
          return;
        }
        if (error instanceof ReplacedStream) {
          // Another tab holds the stream now; taking it back at once would make tabs take turns
          // evicting each other, so wait until this tab is in use again.
          onStatusChange?.('paused');
          await returnToTab(controller.signal);
          attempt = 0;
          continue;
        }
        if (error instanceof UnauthorizedStream) {
          const fresh = await refreshAccessToken();
          if (!fresh) {
            onStatusChange?.('stopped');
            return;
          }
          continue;
        }
        attempt += 1;
        onStatusChange?.('retrying');
        const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5));
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  void run();
  return () => controller.abort();
}

/** What the tab reading the stream tells the other tabs of the browser. */
type RelayMessage =
  | { kind: 'event'; event: ServerEvent }
  | { kind: 'event-id'; id: string }
  | { kind: 'hello' }; // a tab that just opened asks the reading tab where the stream is

export type SharedEventStreamOptions = {
  userId: number;
  onEvent: ServerEventHandler;
  /** The browser's lock manager; tests pass their own. Without one, every tab opens its stream. */
  locks?: LockManager;
};

/**
 * Receives `/api/events` in this tab through the one stream the browser keeps open per account.
 *
 * Every tab asks for the account's lock; the holder opens the stream, handles each event and
 * posts it to the other tabs. Returns a function that leaves: it closes the stream if this tab
 * held it, which hands the lock, and the stream, to the next tab.
 */
export function openSharedEventStream({
  userId,
  onEvent,
  locks = globalThis.navigator?.locks,
}: SharedEventStreamOptions): () => void {
  if (!locks || typeof BroadcastChannel === 'undefined') return openEventStream({ onEvent });

  const name = `friender-events:${userId}`;
  const channel = new BroadcastChannel(name);
  const controller = new AbortController();
  let lastEventId: string | undefined;
  let leading = false;
  const post = (message: RelayMessage) => channel.postMessage(message);

  channel.onmessage = ({ data }: MessageEvent<RelayMessage>) => {
    if (data.kind === 'event-id') lastEventId = data.id;
    else if (data.kind === 'event') onEvent(data.event);
    else if (leading && lastEventId) post({ kind: 'event-id', id: lastEventId });
  };

  const lead = () =>
    new Promise<void>((resolve) => {
      leading = true;
      const release = () => {
        leading = false;
        resolve();
      };
      const close = openEventStream({
        lastEventId,
        onEventId: (id) => {
          lastEventId = id;
          post({ kind: 'event-id', id });
        },
        onEvent: (event) => {
          post({ kind: 'event', event });
          onEvent(event);
        },
        onStatusChange: (status) => {
          // A stream that ended for good (signed out, refused) lets another tab try.
          if (status === 'stopped') release();
        },
      });
      controller.signal.addEventListener('abort', () => {
        close();
        release();
      });
    });

  post({ kind: 'hello' });
  locks.request(name, { signal: controller.signal }, lead).catch(() => {
    // Aborted while another tab held the lock: this tab never led, so there is nothing to close.
  });

  return () => {
    controller.abort();
    channel.close();
  };
}
