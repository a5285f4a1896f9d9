import { useQueryClient } from '@tanstack/react-query';
import type { MenuItem } from '@/components/ui/menu';
import { dropFromDeck } from '@/features/discover/api/create-swipe';
import { SafetyMenu } from '@/features/safety/components/safety-menu';
import { displayNameOf } from '@/lib/format';
import type { Profile } from '@/types/api';
import { discoverKeys, matchesKeys } from '@/lib/query-keys';

/**
 * The safety menu wired to the rest of the app: once someone is blocked they leave the deck at
 * once, and the discover and matches answers are fetched again (the server hides them now).
 */
export function PersonSafetyMenu({
  person,
  onBlocked,
  extraItems,
}: {
  person: Pick<Profile, 'id' | 'username' | 'display_name'>;
  /** Anything more the page does afterwards (the chat leaves the conversation). */
  onBlocked?: () => void;
  extraItems?: MenuItem[];
}) {
  const queryClient = useQueryClient();
  return (
    <SafetyMenu
      userId={person.id}
      name={displayNameOf(person)}
      extraItems={extraItems}
      onBlocked={() => {
        dropFromDeck(queryClient, person.id);
        void queryClient.invalidateQueries({ queryKey: discoverKeys.all });
        void queryClient.invalidateQueries({ queryKey: matchesKeys.all });
        onBlocked?.();
      }}
    />
  );
}
