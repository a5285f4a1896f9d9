import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { setAccessToken } from '@/lib/api-client';
import { meKeys } from '@/lib/query-keys';
import { buildCompleteMe, buildMe } from '@/testing/fixtures';
import { jsonResponse, makeToken, mockFetch, renderWithProviders } from '@/testing/test-utils';
import { ProfileForm } from './profile-form';

describe('ProfileForm', () => {
  it('starts the friend radius at 25 for a new user', () => {
    renderWithProviders(<ProfileForm me={buildMe()} />);
    expect(screen.getByLabelText('Friend radius (miles)')).toHaveValue('25');
  });

  it('adds tags with Enter or a comma and saves the whole profile', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    const saved = buildCompleteMe({ hobbies: ['hiking', 'chess'] });
    const { calls } = mockFetch(() => jsonResponse(saved));
    const { queryClient } = renderWithProviders(<ProfileForm me={buildMe()} />);

    await userEvent.type(screen.getByLabelText('Display name'), 'Alice');
    await userEvent.type(screen.getByLabelText('Bio'), 'Hi!');
    await userEvent.type(screen.getByLabelText('Hobbies'), 'hiking{Enter}chess,');
    await userEvent.type(screen.getByLabelText('Interests'), 'jazz{Enter}JAZZ{Enter}');
    await userEvent.type(screen.getByLabelText('ZIP code'), '10001');
    await userEvent.click(screen.getByRole('button', { name: 'Save profile' }));

    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toMatchObject({
      url: '/api/me',
      method: 'PATCH',
      body: {
        display_name: 'Alice',
        bio: 'Hi!',
        hobbies: ['hiking', 'chess'],
        interests: ['jazz'],
        zip_code: '10001',
        friend_radius_miles: 25,
      },
    });
    expect(screen.getByLabelText('Hobbies')).toHaveValue('');
    expect(within(screen.getByRole('list', { name: 'Hobbies added' })).getAllByRole('listitem')).toHaveLength(2);
    await vi.waitFor(() => expect(queryClient.getQueryData(meKeys.all)).toEqual(saved));
  });

  it('saves a half-finished profile: only the filled fields and the radius are sent', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    const saved = buildMe({
      display_name: 'Alice',
      friend_radius_miles: 25,
      missing_fields: ['hobbies', 'interests', 'zip_code'],
    });
    const { calls } = mockFetch(() => jsonResponse(saved));
    const fresh = buildMe({
      missing_fields: ['display_name', 'hobbies', 'interests', 'zip_code', 'friend_radius_miles'],
    });
    renderWithProviders(<ProfileForm me={fresh} />);

    await userEvent.type(screen.getByLabelText('Display name'), 'Alice');
    await userEvent.click(screen.getByRole('button', { name: 'Save profile' }));

    expect(
      await screen.findByText('Saved — still missing at least one hobby, at least one interest and ZIP code'),
    ).toBeInTheDocument();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: '/api/me', method: 'PATCH' });
    expect(calls[0]!.body).toEqual({ display_name: 'Alice', friend_radius_miles: 25 });
  });

  it('does not save when a saved hobby list or ZIP code has been emptied', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    const { calls } = mockFetch(() => jsonResponse(buildMe()));
    renderWithProviders(
      <ProfileForm me={buildMe({ display_name: 'Alice', hobbies: ['hiking'], zip_code: '10001' })} />,
    );

    await userEvent.click(screen.getByRole('button', { name: 'Remove hobby: hiking' }));
    await userEvent.clear(screen.getByLabelText('ZIP code'));
    await userEvent.click(screen.getByRole('button', { name: 'Save profile' }));

    expect(screen.getByLabelText('Hobbies')).toHaveAccessibleDescription(/Keep at least one hobby\./);
    expect(screen.getByLabelText('ZIP code')).toHaveAccessibleDescription(/Enter a 5-digit US ZIP code\./);
    expect(calls).toHaveLength(0);
  });

  it('removes a tag with its button', async () => {
    const onSaved = vi.fn();
    renderWithProviders(<ProfileForm me={buildMe({ hobbies: ['hiking', 'chess'] })} onSaved={onSaved} />);

    await userEvent.click(screen.getByRole('button', { name: 'Remove hobby: hiking' }));

    const tags = within(screen.getByRole('list', { name: 'Hobbies added' })).getAllByRole('listitem');
    expect(tags.map((tag) => tag.textContent)).toEqual(['chess×']);
  });

  it('keeps the five digits of a pasted ZIP code with spaces or a label around it', async () => {
    renderWithProviders(<ProfileForm me={buildMe()} />);
    const zip = screen.getByLabelText('ZIP code');

    for (const pasted of [' 94103', 'ZIP 94103', '94103-1234']) {
      await userEvent.clear(zip);
      await userEvent.click(zip);
      await userEvent.paste(pasted);
      expect(zip, pasted).toHaveValue('94103');
    }
    expect(zip).not.toHaveAccessibleDescription(/ZIP code has 5 digits/);
  });

  it('refuses a sixth digit out loud instead of cutting it silently, and clears the note on the next edit', async () => {
    renderWithProviders(<ProfileForm me={buildMe()} />);
    const zip = screen.getByLabelText('ZIP code');

    await userEvent.type(zip, '941037');

    expect(zip).toHaveValue('94103');
    expect(zip).toHaveAccessibleDescription(/A US ZIP code has 5 digits: the extra digit was not added\./);
    expect(zip).toBeInvalid();
    await userEvent.clear(zip);
    await userEvent.paste('123456');
    expect(zip, 'a pasted six-digit number is refused whole, not cut to five').toHaveValue('');
    await userEvent.type(zip, '1');
    expect(zip).toHaveValue('1');
    expect(zip).not.toHaveAccessibleDescription(/5 digits/);
  });

  it('says when a tag is over 30 characters instead of cutting it', async () => {
    renderWithProviders(<ProfileForm me={buildMe()} />);
    const interests = screen.getByLabelText('Interests');

    await userEvent.type(interests, 'Contemporary classical composition{Enter}');

    expect(screen.queryByRole('list', { name: 'Interests added' })).not.toBeInTheDocument();
    expect(interests).toHaveValue('Contemporary classical composition'); // kept, to shorten
    expect(interests).toBeInvalid();
    expect(interests).toHaveAccessibleDescription(
      expect.stringContaining('Up to 30 characters per interest: this one has 34.'),
    );

    await userEvent.clear(interests);
    await userEvent.type(interests, 'Contemporary composition{Enter}');
    expect(within(screen.getByRole('list', { name: 'Interests added' })).getByRole('listitem')).toHaveTextContent(
      'Contemporary composition',
    );
    expect(interests).toBeValid();
    expect(screen.queryByText(/Up to 30 characters/)).not.toBeInTheDocument();
  });

  it('shows the city and state the saved ZIP code resolves to', () => {
    renderWithProviders(
      <ProfileForm me={buildMe({ zip_code: '10001', city: 'New York', state: 'NY', friend_radius_miles: 40 })} />,
    );
    expect(screen.getByLabelText('ZIP code')).toHaveAccessibleDescription(/New York, NY/);
    expect(screen.getByLabelText('Friend radius (miles)')).toHaveValue('40');
  });

  it('shows validation errors from the server next to each field', async () => {
    setAccessToken(makeToken({ sub: '42' }));
    mockFetch(() =>
      jsonResponse(
        {
          error: 'validation_error',
          message: 'Some fields are invalid.',
          fields: { zip_code: ['Unknown ZIP code.'], interests: ['Add at least one interest.'] },
        },
        422,
      ),
    );
    renderWithProviders(<ProfileForm me={buildMe({ display_name: 'Alice', hobbies: ['hiking'] })} />);

    await userEvent.type(screen.getByLabelText('ZIP code'), '00000');
    await userEvent.click(screen.getByRole('button', { name: 'Save profile' }));

    await vi.waitFor(() =>
      expect(screen.getByLabelText('ZIP code')).toHaveAccessibleDescription(/Unknown ZIP code\./),
    );
    expect(screen.getByLabelText('Interests')).toHaveAccessibleDescription(/Add at least one interest\./);
    expect(screen.getByLabelText('Display name')).not.toHaveAttribute('aria-invalid');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
