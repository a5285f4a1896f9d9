import { useState } from 'react';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { MoreIcon } from '@/components/ui/icons';
import { MenuButton, type MenuItem } from '@/components/ui/menu';
import { ApiError } from '@/lib/api-client';
import { useBlockUser } from '../api/block-user';
import { ReportDialog } from './report-dialog';

/**
 * The "More" menu on a person (discover card, chat): Report and Block, plus whatever the page
 * adds (Unmatch in a chat). Block asks first; `onBlocked` then makes the person disappear.
 */
export function SafetyMenu({
  userId,
  name,
  onBlocked,
  extraItems = [],
}: {
  userId: number;
  name: string;
  onBlocked: () => void;
  extraItems?: MenuItem[];
}) {
  const [open, setOpen] = useState<'block' | 'report' | null>(null);
  const block = useBlockUser({
    onSuccess: () => {
      setOpen(null);
      onBlocked();
    },
  });

  const items: MenuItem[] = [
    ...extraItems,
    { label: 'Report', onSelect: () => setOpen('report') },
    {
      label: 'Block',
      danger: true,
      onSelect: () => {
        block.reset();
        setOpen('block');
      },
    },
  ];

  return (
    <>
      <MenuButton label="More" icon={<MoreIcon size={18} />} items={items} />
      {open === 'report' && <ReportDialog userId={userId} name={name} onClose={() => setOpen(null)} />}
      {open === 'block' && (
        <ConfirmDialog
          title={`Block ${name}?`}
          confirmLabel="Block"
          pending={block.isPending}
          error={
            block.error
              ? block.error instanceof ApiError
                ? block.error.message
                : 'Could not block. Please try again.'
              : null
          }
          onCancel={() => setOpen(null)}
          onConfirm={() => block.mutate({ user_id: userId })}
        >
          <p>
            Neither of you will see the other again, anywhere on Friender. Any match and conversation
            between you ends. <bdi>{name}</bdi> is not told.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
