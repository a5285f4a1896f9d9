import { Avatar } from '@/components/ui/avatar';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { displayNameOf, photosInOrder } from '@/lib/format';
import type { Match } from '@/types/api';

export function MatchDialog({
  match,
  onMessage,
  onClose,
}: {
  match: Match;
  onMessage: (matchId: number) => void;
  onClose: () => void;
}) {
  const name = displayNameOf(match.user);
  const photo = photosInOrder(match.user)[0];
  return (
    <Dialog title="It's a match!" onClose={onClose} className="match-dialog">
      <div className="match-dialog-body">
        <Avatar photo={photo} name={name} size={96} />
        <p>
          You and <bdi>{name}</bdi> both said yes. Say hello!
        </p>
      </div>
      <div className="dialog-actions">
        <Button onClick={() => onMessage(match.id)}>Send a message</Button>
        <Button variant="ghost" onClick={onClose}>
          Keep swiping
        </Button>
      </div>
    </Dialog>
  );
}
