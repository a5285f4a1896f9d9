import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { setAccessToken } from '@/lib/api-client';
import { buildProfile } from '@/testing/fixtures';
import { jsonResponse, makeToken, mockFetch, renderWithProviders } from '@/testing/test-utils';
import { PersonSafetyMenu } from './person-safety-menu';
import { discoverKeys, matchesKeys } from '@/lib/query-keys';

const bob = buildProfile({ id: 7, display_name: 'Bob' });
const carol = buildProfile({ id: 8, username: 'carol', display_name: 'Carol' });

function serveBlocks() {
  return mockFetch(({ url, method }) => {
    if (url === '/api/blocks' && method === 'POST') return new Response(null, { status: 201 });
    if (url.startsWith('/api/discover')) return jsonResponse({ users: [carol] });
    if (url === '/api/matches') return jsonResponse({ matches: [] });
    return undefined;
  });
}

describe('The "More" menu on a person', () => {
  it('is a keyboard-operable menu button', async () => {
    const user = userEvent.setup();
    renderWithProviders(<PersonSafetyMenu person={bob} extraItems={[{ label: 'Unmatch', onSelect: vi.fn() }]} />);
    const more = screen.getByRole('button', { name: 'More' });
    expect(more).toHaveAttribute('aria-haspopup', 'menu');
    expect(more).toHaveAttribute('aria-expanded', 'false');

    more.focus();
    await user.keyboard('{Enter}');
    const menu = screen.getByRole('menu', { name: 'More' });
    expect(more).toHaveAttribute('aria-expanded', 'true');
    const items = within(menu).getAllByRole('menuitem');
    expect(items.map((item) => item.textContent)).toEqual(['Unmatch', 'Report', 'Block']);
    expect(items[0]).toHaveFocus();

    await user.keyboard('{ArrowDown}');
    expect(items[1]).toHaveFocus();
    await user.keyboard('{ArrowUp}{ArrowUp}'); // wraps around
    expect(items[2]).toHaveFocus();
    await user.keyboard('{Home}');
    expect(items[0]).toHaveFocus();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(more).toHaveFocus();
  });

  it('blocks only after confirmation, then refetches discover and matches', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    const user = userEvent.setup();
    const { calls } = serveBlocks();
    const onBlocked = vi.fn();
    const { queryClient } = renderWithProviders(<PersonSafetyMenu person={bob} onBlocked={onBlocked} />);
    queryClient.setQueryData(discoverKeys.all, { users: [bob, carol] });
    queryClient.setQueryData(matchesKeys.all, { matches: [] });

    await user.click(screen.getByRole('button', { name: 'More' }));
    await user.click(screen.getByRole('menuitem', { name: 'Block' }));
    const dialog = screen.getByRole('dialog', { name: 'Block Bob?' });
    expect(calls.filter((c) => c.url === '/api/blocks')).toHaveLength(0); // nothing before confirming

    await user.click(within(dialog).getByRole('button', { name: 'Block' }));

    await vi.waitFor(() => expect(onBlocked).toHaveBeenCalledTimes(1));
    const blocks = calls.filter((c) => c.url === '/api/blocks');
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ method: 'POST', body: { user_id: 7 } });
    expect(blocks[0]!.headers.get('Authorization')).toMatch(/^Bearer /);
    // Bob leaves the deck at once, and both lists are fetched again from the server.
    expect(queryClient.getQueryData<{ users: { id: number }[] }>(discoverKeys.all)?.users.map((u) => u.id)).toEqual([8]);
    expect(queryClient.getQueryState(discoverKeys.all)?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(matchesKeys.all)?.isInvalidated).toBe(true);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('does nothing when the block is cancelled', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    const user = userEvent.setup();
    const { calls } = serveBlocks();
    const onBlocked = vi.fn();
    const { queryClient } = renderWithProviders(<PersonSafetyMenu person={bob} onBlocked={onBlocked} />);
    queryClient.setQueryData(discoverKeys.all, { users: [bob, carol] });

    await user.click(screen.getByRole('button', { name: 'More' }));
    await user.click(screen.getByRole('menuitem', { name: 'Block' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));

    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(calls).toHaveLength(0);
    expect(onBlocked).not.toHaveBeenCalled();
    expect(queryClient.getQueryState(discoverKeys.all)?.isInvalidated).toBe(false);
  });
});
