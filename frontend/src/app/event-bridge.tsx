import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { addMessageToCache } from '@/features/chat/api/get-messages';
import type { ServerEvent } from '@/lib/events';
import type { Match, Message } from '@/types/api';
import { useMatchCelebration } from './match-celebration';
import { matchesKeys, messagesKeys } from '@/lib/query-keys';

function isMessage(value: unknown): value is Message {
  const m = value as Message;
  return typeof m === 'object' && m !== null && typeof m.id === 'number' && typeof m.match_id === 'number';
}

function isMatch(value: unknown): value is Match {
  const m = value as Match;
  return typeof m === 'object' && m !== null && typeof m.id === 'number' && typeof m.user === 'object';
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
          if (isMessage(event.data)) addMessageToCache(queryClient, event.data);
          void queryClient.invalidateQueries({ queryKey: matchesKeys.all });
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
          void queryClient.invalidateQueries({ queryKey: matchesKeys.all });
          break;
        case 'unmatch': {
          const matchId = matchIdOf(event.data);
          if (matchId !== null) queryClient.removeQueries({ queryKey: messagesKeys.match(matchId) });
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
