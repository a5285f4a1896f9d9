import {
  infiniteQueryOptions,
  useInfiniteQuery,
  type InfiniteData,
  type QueryClient,
} from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Message } from '@/types/api';
import { applyToCachedQuery } from '@/lib/query-client';
import { messagesKeys } from '@/lib/query-keys';

export const MESSAGES_PAGE_SIZE = 50;

type MessagesPage = { messages: Message[] };
export type MessagesData = InfiniteData<MessagesPage, number | undefined>;

export function getMessages(matchId: number, before?: number): Promise<MessagesPage> {
  return api.get<MessagesPage>(`/api/matches/${matchId}/messages`, {
    params: { before, limit: MESSAGES_PAGE_SIZE },
  });
}

/** Pages go newest first; each page is oldest-first inside, so `before` is its first id. */
export function getMessagesQueryOptions(matchId: number) {
  return infiniteQueryOptions({
    queryKey: messagesKeys.match(matchId),
    queryFn: ({ pageParam }) => getMessages(matchId, pageParam),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (lastPage) =>
      lastPage.messages.length < MESSAGES_PAGE_SIZE ? undefined : lastPage.messages[0]?.id,
    staleTime: Infinity, // kept current by the event stream
  });
}

export function useMessages(matchId: number) {
  return useInfiniteQuery(getMessagesQueryOptions(matchId));
}

/** All loaded messages, oldest first, each once. */
export function flattenMessages(data: InfiniteData<MessagesPage, unknown> | undefined): Message[] {
  if (!data) return [];
  const byId = new Map<number, Message>();
  for (const page of [...data.pages].reverse()) {
    for (const message of page.messages) byId.set(message.id, message);
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Puts a message that arrived (sent by us or pushed by the server) into its conversation. */
export function addMessageToCache(queryClient: QueryClient, message: Message): void {
  applyToCachedQuery<MessagesData>(queryClient, messagesKeys.match(message.match_id), (old) => {
    if (old.pages.length === 0) return old;
    const exists = old.pages.some((page) => page.messages.some((m) => m.id === message.id));
    const pages = exists
      ? old.pages.map((page) => ({
          messages: page.messages.map((m) => (m.id === message.id ? message : m)),
        }))
      : [{ messages: [...old.pages[0]!.messages, message] }, ...old.pages.slice(1)];
    return { ...old, pages };
  });
}
