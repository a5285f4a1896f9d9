import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ApiError } from '@/lib/api-client';
import { displayNameOf } from '@/lib/format';
import { useBlocks, useUnblock } from '../api/blocks';

/** Settings: the people you blocked, each with an Unblock button. */
export function BlockedList() {
  const blocks = useBlocks();
  const unblock = useUnblock();
  const people = blocks.data?.blocks ?? [];
  return (
    <section className="card" aria-labelledby="blocked-heading">
      <h2 id="blocked-heading">Blocked people</h2>
      {blocks.isError && <Alert>Could not load the people you blocked.</Alert>}
      {blocks.isSuccess && people.length === 0 && <p className="muted">You have not blocked anyone.</p>}
      {people.length > 0 && (
        <ul className="plain-list">
          {people.map((person) => (
            <li key={person.user_id} className="list-row">
              <span>
                {displayNameOf(person)} <span className="muted">@{person.username}</span>
              </span>
              <Button
                variant="secondary"
                pending={unblock.isPending && unblock.variables === person.user_id}
                onClick={() => unblock.mutate(person.user_id)}
              >
                Unblock {displayNameOf(person)}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {unblock.error && (
        <Alert>{unblock.error instanceof ApiError ? unblock.error.message : 'Could not unblock. Please try again.'}</Alert>
      )}
    </section>
  );
}
