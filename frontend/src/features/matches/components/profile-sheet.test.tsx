import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { buildProfile } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/test-utils';
import { ProfileSheet } from './profile-sheet';

const photo = (id: number, position: number) => ({
  id,
  url: `https://img.example/${id}.jpg`,
  thumb_url: `https://img.example/${id}-thumb.jpg`,
  width: 600,
  height: 750,
  blurhash: null,
  position,
  created_at: '2026-01-01T00:00:00Z',
});

describe('ProfileSheet', () => {
  it('shows every photo, the bio, the tags with the shared ones marked, the age, the distance and met count', async () => {
    const onClose = vi.fn();
    renderWithProviders(
      <ProfileSheet
        profile={buildProfile({ photos: [photo(2, 1), photo(1, 0)], met_count: 1, age: 34 })}
        onClose={onClose}
      />,
    );

    const dialog = screen.getByRole('dialog', { name: 'Bob' });
    expect(dialog).toHaveTextContent('Board games and long walks.');
    expect(dialog).toHaveTextContent('34 years old');
    expect(dialog).toHaveTextContent('Within 2 miles');
    expect(screen.getByText('Met 1 person through Friender')).toBeInTheDocument();
    expect(screen.getAllByRole('img').map((img) => img.getAttribute('alt'))).toEqual([
      'Bob, photo 1 of 2',
      'Bob, photo 2 of 2',
    ]);
    expect(screen.getByText('hiking').closest('li')).toHaveClass('tag-shared');
    expect(screen.getByText('chess').closest('li')).not.toHaveClass('tag-shared');

    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalled();
  });
});
