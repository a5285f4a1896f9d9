import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorState, LoadingState } from '@/components/ui/states';
import { ApiError } from '@/lib/api-client';
import { apiLimits } from '@/lib/api-limits';
import { endSentenceWith, formatTime } from '@/lib/format';
import { usePageVisible } from '@/lib/use-page-visible';
import type { Message } from '@/types/api';
import { flattenMessages, useMessages } from '../api/get-messages';
import { useMarkRead } from '../api/mark-read';
import { useSendMessage } from '../api/send-message';
import { TYPING_SEND_EVERY_MS, TYPING_SHOWN_MS, sendTyping, useTypingState } from '../api/typing';

const MAX_BODY = apiLimits.MessageCreate.body.maxLength;
/** The composer shows its character count from this length on. */
const COUNT_FROM = 1800;

function MessageBubble({ message, mine, seen }: { message: Message; mine: boolean; seen: boolean }) {
  return (
    <li className={`bubble-row ${mine ? 'bubble-row-mine' : 'bubble-row-theirs'}`}>
      <div className={`bubble ${mine ? 'bubble-mine' : 'bubble-theirs'}`}>
        {/* Rendered as text: the server stores bodies exactly as sent. */}
        <p className="bubble-body" dir="auto">
          {message.body}
        </p>
        <time className="bubble-time" dateTime={message.created_at}>
          {formatTime(message.created_at)}
        </time>
      </div>
      {seen && <span className="bubble-seen">Seen</span>}
    </li>
  );
}

/** "Bob is typing…" for a few seconds after their last typing signal. */
function TypingIndicator({ matchId, userId, partnerName }: { matchId: number; userId: number; partnerName: string }) {
  const typing = useTypingState(matchId);
  const shownUntil = typing && typing.user_id !== userId ? typing.at + TYPING_SHOWN_MS : 0;
  // The signal whose time is up; a newer signal has a later `shownUntil` and shows again.
  const [expired, setExpired] = useState(0);
  useEffect(() => {
    if (!shownUntil) return;
    const timer = setTimeout(() => setExpired(shownUntil), Math.max(0, shownUntil - Date.now()));
    return () => clearTimeout(timer);
  }, [shownUntil]);
  return (
    <p className="chat-typing muted" aria-live="polite">
      {shownUntil && shownUntil !== expired ? `${partnerName} is typing…` : ''}
    </p>
  );
}

export function ChatView({
  matchId,
  userId,
  partnerName,
}: {
  matchId: number;
  /** The signed-in user's id (from the access token's sub), to tell our messages apart. */
  userId: number;
  partnerName: string;
}) {
  const messagesQuery = useMessages(matchId);
  const send = useSendMessage();
  const markRead = useMarkRead();
  const [draft, setDraft] = useState('');
  const logRef = useRef<HTMLDivElement>(null);
  const inputId = useId();
  const countId = useId();
  const messages = flattenMessages(messagesQuery.data);

  // Read receipts: tell the server once per newly arrived message from the other side, and only
  // while the page is on screen, so a background tab never tells the sender "Seen"; when the
  // person comes back to the tab, what arrived meanwhile is marked read then.
  const pageVisible = usePageVisible();
  const lastMarked = useRef(0);
  const newestUnreadFromThem = messages
    .filter((m) => m.sender_id !== userId && !m.read_at)
    .reduce((max, m) => Math.max(max, m.id), 0);
  useEffect(() => {
    if (pageVisible && newestUnreadFromThem > lastMarked.current) {
      lastMarked.current = newestUnreadFromThem;
      markRead.mutate(matchId);
    }
  }, [pageVisible, newestUnreadFromThem, matchId, markRead]);

  // Scrolling: stick to the bottom for new messages, keep the place when older ones load above.
  const firstId = messages[0]?.id;
  const lastId = messages[messages.length - 1]?.id;
  const lastIsMine = messages[messages.length - 1]?.sender_id === userId;
  const previous = useRef<{ firstId?: number; lastId?: number; height: number; top: number }>({ height: 0, top: 0 });
  useLayoutEffect(() => {
    const log = logRef.current;
    if (!log) return;
    const before = previous.current;
    const nearBottom = before.height - (before.top + log.clientHeight) < 120;
    if (before.firstId !== undefined && firstId !== undefined && firstId < before.firstId && lastId === before.lastId) {
      log.scrollTop = log.scrollHeight - before.height + before.top;
    } else if (lastId !== before.lastId && (before.lastId === undefined || nearBottom || lastIsMine)) {
      log.scrollTop = log.scrollHeight;
    }
    previous.current = { firstId, lastId, height: log.scrollHeight, top: log.scrollTop };
  }, [firstId, lastId, lastIsMine]);

  const loadOlder = () => {
    if (messagesQuery.hasNextPage && !messagesQuery.isFetchingNextPage) void messagesQuery.fetchNextPage();
  };

  const onScroll = () => {
    const log = logRef.current;
    if (!log) return;
    previous.current = { ...previous.current, height: log.scrollHeight, top: log.scrollTop };
    if (log.scrollTop < 80) loadOlder();
  };

  // No maxLength on the textarea: it would cut a pasted text silently. A draft over the limit is
  // kept whole, counted and not sent until it fits. Counted like the server: characters (code
  // points, not UTF-16 units) once trimmed.
  const length = Array.from(draft.trim()).length;
  const tooLong = length > MAX_BODY;

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const body = draft.trim();
    if (!body || tooLong || send.isPending) return;
    send.mutate(
      { matchId, body },
      {
        onSuccess: () => {
          setDraft('');
          lastTypingSent.current = 0;
        },
      },
    );
  };

  // Typing signals: at most one every few seconds while the draft changes, never for an empty one.
  const lastTypingSent = useRef(0);
  const onDraftChange = (value: string) => {
    setDraft(value);
    const at = Date.now();
    if (value.trim() && at - lastTypingSent.current >= TYPING_SEND_EVERY_MS) {
      lastTypingSent.current = at;
      void sendTyping(matchId);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  // The last of our messages the other person has read gets the "Seen" receipt.
  const lastSeenId = messages.filter((m) => m.sender_id === userId && m.read_at).reduce((max, m) => Math.max(max, m.id), 0);

  let content;
  if (messagesQuery.isPending) content = <LoadingState label="Loading messages…" />;
  else if (messagesQuery.isError)
    content = (
      <ErrorState
        title="Could not load this conversation"
        message={messagesQuery.error instanceof ApiError ? messagesQuery.error.message : undefined}
        onRetry={() => void messagesQuery.refetch()}
      />
    );

  return (
    <div className="chat">
      <div
        ref={logRef}
        className="chat-log"
        role="log"
        aria-live="polite"
        aria-label={`Conversation with ${partnerName}`}
        tabIndex={0}
        onScroll={onScroll}
      >
        {content ?? (
          <>
            {messagesQuery.hasNextPage ? (
              <div className="chat-older">
                <Button variant="ghost" pending={messagesQuery.isFetchingNextPage} onClick={loadOlder}>
                  Load older messages
                </Button>
              </div>
            ) : (
              messages.length > 0 && <p className="chat-start muted">This is the start of your conversation.</p>
            )}
            {messages.length === 0 ? (
              <p className="chat-empty muted">You matched! Say hello to {endSentenceWith(partnerName)}</p>
            ) : (
              <ol className="bubbles">
                {messages.map((message) => (
                  <MessageBubble
                    key={message.id}
                    message={message}
                    mine={message.sender_id === userId}
                    seen={message.id === lastSeenId}
                  />
                ))}
              </ol>
            )}
          </>
        )}
      </div>
      <TypingIndicator matchId={matchId} userId={userId} partnerName={partnerName} />
      <form className="composer" onSubmit={submit}>
        {send.error && (
          <Alert>{send.error instanceof ApiError ? send.error.message : 'Could not send. Try again.'}</Alert>
        )}
        <div className="composer-row">
          <label htmlFor={inputId} className="visually-hidden">
            Message
          </label>
          <textarea
            id={inputId}
            className="input composer-input"
            dir="auto"
            rows={1}
            placeholder={`Message ${partnerName}`}
            aria-invalid={tooLong || undefined}
            aria-describedby={length >= COUNT_FROM ? countId : undefined}
            value={draft}
            onChange={(event) => onDraftChange(event.target.value)}
            onKeyDown={onKeyDown}
            disabled={messagesQuery.isError}
          />
          <Button type="submit" disabled={!draft.trim() || tooLong || messagesQuery.isError} pending={send.isPending}>
            Send
          </Button>
        </div>
        {length >= COUNT_FROM && (
          <p id={countId} className={`composer-count${tooLong ? ' composer-count-over' : ''}`}>
            {length}/{MAX_BODY}
            {tooLong && ` · Too long to send: remove ${length - MAX_BODY} ${length - MAX_BODY === 1 ? 'character' : 'characters'}.`}
          </p>
        )}
      </form>
    </div>
  );
}
