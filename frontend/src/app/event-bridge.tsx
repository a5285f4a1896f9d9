import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { addMessageToCache } from '@/features/chat/api/get-messages';
import { setTyping } from '@/features/chat/api/typing';
import { putHangoutInCache } from '@/features/hangouts/api/get-hangouts';
import type { ServerEvent } from '@/lib/events';
import type { Hangout, Match, Message, TypingSignal } from '@/types/api';
import { useMatchCelebration } from './match-celebration';
import { hangoutsKeys, matchesKeys, messagesKeys } from '@/lib/query-keys';

function isMessage(value: unknown): value is Message {
  const m = value as Message;
  return typeof m === 'object' && m !== null && typeof m.id === 'number' && typeof m.match_id === 'number';
}

function isMatch(value: unknown): value is Match {
  const m = value as Match;
  return typeof m === 'object' && m !== null && typeof m.id === 'number' && typeof m.user === 'object';
}

function isHangout(value: unknown): value is Hangout {
  const h = value as Hangout;
  return typeof h === 'object' && h !== null && typeof h.id === 'number' && Array.isArray(h.options);
}

function isTyping(value: unknown): value is TypingSignal {
  const t = value as TypingSignal;
  return typeof t === 'object' && t !== null && typeof t.match_id === 'number' && typeof t.user_id === 'number';
}

function matchIdOf(value: unknown): number | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  if (typeof record.match_id === 'number') return record.match_id;
  if (typeof record.id === 'number') return record.id;
  return null;
}

/** Feeds /api/events into the query cache while someone is signed in. */
export function EventBridge({ userId }: { userId: number }) {
  const queryClient = useQueryClient();
  const { celebrate } = useMatchCelebration();

  useEffect(() => {
    const onEvent = (event: ServerEvent) => {
      switch (event.type) {
        case 'message':
          if (isMessage(event.data)) {
            addMessageToCache(queryClient, event.data);
            // Their message arrived: they are no longer typing it.
            if (event.data.sender_id !== userId) setTyping(queryClient, event.data.match_id, null);
          }
          void queryClient.invalidateQueries({ queryKey: matchesKeys.all });
          break;
        case 'typing':
          if (isTyping(event.data)) setTyping(queryClient, event.data.match_id, event.data);
          break;
        case 'hangout':
          if (isHangout(event.data)) putHangoutInCache(queryClient, event.data);
          break;
        case 'read': {
          const matchId = matchIdOf(event.data);
          void queryClient.invalidateQueries({
            queryKey: matchId === null ? messagesKeys.all : messagesKeys.match(matchId),
          });
          break;
        }
        case 'match':
          void queryClient.invalidateQueries({ queryKey: matchesKeys.all });
          if (isMatch(event.data)) celebrate(event.data);
          break;
        case 'resync':
          void queryClient.invalidateQueries({ queryKey: messagesKeys.all });
          void queryClient.invalidateQueries({ queryKey: hangoutsKeys.all });
          void queryClient.invalidateQueries({ queryKey: matchesKeys.all });
          break;
        case 'unmatch': {
          const matchId = matchIdOf(event.data);
          if (matchId !== null) {
            queryClient.removeQueries({ queryKey: messagesKeys.match(matchId) });
            queryClient.removeQueries({ queryKey: hangoutsKeys.match(matchId) });
          }
          void queryClient.invalidateQueries({ queryKey: matchesKeys.all });
          break;
        }
      }
    };
    // The stream reader is loaded after the first paint: it is not needed to show a page.
    let close: (() => void) | null = null;
    let cancelled = false;
    void import('@/lib/events').then(({ openSharedEventStream }) => {
      if (!cancelled) close = openSharedEventStream({ userId, onEvent });
    });
    return () => {
      cancelled = true;
      close?.();
    };
  }, [queryClient, celebrate, userId]);

  return null;
}
