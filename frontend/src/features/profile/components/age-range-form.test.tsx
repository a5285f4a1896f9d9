import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { buildCompleteMe } from '@/testing/fixtures';
import { jsonResponse, mockFetch, renderWithProviders } from '@/testing/test-utils';
import { AgeRangeForm } from './age-range-form';

describe('AgeRangeForm', () => {
  it('saves the range through PATCH /api/me', async () => {
    const { calls } = mockFetch(() => jsonResponse(buildCompleteMe({ age_min: 25, age_max: 35 })));
    renderWithProviders(<AgeRangeForm me={buildCompleteMe()} />);

    await userEvent.clear(screen.getByLabelText('Youngest age'));
    await userEvent.type(screen.getByLabelText('Youngest age'), '25');
    await userEvent.clear(screen.getByLabelText('Oldest age'));
    await userEvent.type(screen.getByLabelText('Oldest age'), '35');
    await userEvent.click(screen.getByRole('button', { name: 'Save age range' }));

    expect(await screen.findByRole('status')).toHaveTextContent('Saved');
    expect(calls[0]).toMatchObject({ url: '/api/me', method: 'PATCH', body: { age_min: 25, age_max: 35 } });
  });

  it('checks the range before sending it', async () => {
    const { calls } = mockFetch(() => jsonResponse({}, 500));
    renderWithProviders(<AgeRangeForm me={buildCompleteMe()} />);

    await userEvent.clear(screen.getByLabelText('Youngest age'));
    await userEvent.type(screen.getByLabelText('Youngest age'), '17');
    await userEvent.click(screen.getByRole('button', { name: 'Save age range' }));
    expect(screen.getByLabelText('Youngest age')).toHaveAccessibleDescription(/from 18 to 99/);

    await userEvent.clear(screen.getByLabelText('Youngest age'));
    await userEvent.type(screen.getByLabelText('Youngest age'), '50');
    await userEvent.clear(screen.getByLabelText('Oldest age'));
    await userEvent.type(screen.getByLabelText('Oldest age'), '40');
    await userEvent.click(screen.getByRole('button', { name: 'Save age range' }));
    await vi.waitFor(() =>
      expect(screen.getByLabelText('Youngest age')).toHaveAccessibleDescription(/cannot be above the highest/),
    );
    expect(calls).toHaveLength(0);
  });
});
