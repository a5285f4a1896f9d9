import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { getAccessToken } from '@/lib/api-client';
import { getSession } from '@/lib/session';
import { buildMe } from '@/testing/fixtures';
import { jsonResponse, makeToken, mockFetch, renderWithProviders } from '@/testing/test-utils';
import { LoginForm } from './login-form';
import { SignupForm } from './signup-form';

// Four fields typed key by key (and the strength estimator's first load): slow on a busy machine.
describe('SignupForm', { timeout: 15_000 }, () => {
  it('signs up, then takes the user id from the token sub, not from the response body', async () => {
    const token = makeToken({ sub: '42' });
    const { calls } = mockFetch(() =>
      jsonResponse({ access_token: token, refresh_token: 'r', user: buildMe({ id: 999 }) }, 201),
    );
    const onAuthenticated = vi.fn();
    renderWithProviders(<SignupForm onAuthenticated={onAuthenticated} />);

    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Email'), 'alice@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.type(screen.getByLabelText('Birthdate'), '1990-05-15');
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));

    await vi.waitFor(() => expect(onAuthenticated).toHaveBeenCalled());
    expect(calls[0]).toMatchObject({
      url: '/api/auth/signup',
      method: 'POST',
      body: { username: 'alice', email: 'alice@example.com', password: 'correct horse', birthdate: '1990-05-15' },
    });
    expect(getAccessToken()).toBe(token);
    expect(getSession()).toEqual({ status: 'signed-in', userId: 42 });
  });

  it('shows the server field errors next to the matching inputs', async () => {
    mockFetch(() =>
      jsonResponse(
        {
          error: 'conflict',
          message: 'That username or email is taken.',
          fields: { username: ['That username is taken.'], email: ['That email is already registered.'] },
        },
        409,
      ),
    );
    renderWithProviders(<SignupForm />);

    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Email'), 'alice@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.type(screen.getByLabelText('Birthdate'), '1990-05-15');
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));

    const username = screen.getByLabelText('Username');
    await vi.waitFor(() => expect(username).toHaveAccessibleDescription('That username is taken.'));
    expect(username).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('That email is already registered.');
    expect(screen.getByLabelText('Password')).not.toHaveAttribute('aria-invalid');
    expect(getSession().status).not.toBe('signed-in');
  });

  it('checks the fields before sending anything', async () => {
    const { calls } = mockFetch(() => jsonResponse({}, 500));
    renderWithProviders(<SignupForm />);

    await userEvent.type(screen.getByLabelText('Username'), 'a!');
    await userEvent.type(screen.getByLabelText('Email'), 'not-an-email');
    await userEvent.type(screen.getByLabelText('Password'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));

    expect(screen.getByLabelText('Username')).toHaveAccessibleDescription(/3–30 letters/);
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription(/valid email/);
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription(/8–128 characters/);
    expect(screen.getByLabelText('Birthdate')).toHaveAccessibleDescription(/date of birth/);
    expect(calls).toHaveLength(0);
  });

  it('refuses someone under 18 before sending anything', async () => {
    const { calls } = mockFetch(() => jsonResponse({}, 500));
    renderWithProviders(<SignupForm />);
    const today = new Date();
    const seventeen = `${today.getFullYear() - 17}-01-01`;

    await userEvent.type(screen.getByLabelText('Birthdate'), seventeen);
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));

    expect(screen.getByLabelText('Birthdate')).toHaveAccessibleDescription(/18 or older/);
    expect(calls).toHaveLength(0);
  });

  it('rates the password as it is typed, with the same estimator as the server', async () => {
    mockFetch(() => jsonResponse({}, 500));
    renderWithProviders(<SignupForm />);

    await userEvent.type(screen.getByLabelText('Password'), 'password');
    // The estimator is loaded on first use, in its own chunk.
    const meter = await screen.findByRole('meter', { name: 'Strength' }, { timeout: 5000 });
    expect(meter).toHaveAttribute('aria-valuetext', 'Very weak');
    expect(screen.getByTestId('password-strength')).toHaveTextContent(/top-10 common password/);

    await userEvent.clear(screen.getByLabelText('Password'));
    await userEvent.type(screen.getByLabelText('Password'), 'violet tugboats hum quietly');
    await vi.waitFor(() => expect(screen.getByRole('meter')).toHaveAttribute('aria-valuetext', 'Very strong'), {
      timeout: 5000,
    });
  });
});

describe('LoginForm', () => {
  it('says how long to wait after too many attempts', async () => {
    mockFetch(() =>
      jsonResponse({ error: 'rate_limited', message: 'Too many attempts. Please wait 1 minute and try again.' }, 429),
    );
    renderWithProviders(<LoginForm />);

    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong password');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Please wait 1 minute');
  });

  it('shows the server message at the top when it is not about one field', async () => {
    mockFetch(() => jsonResponse({ error: 'unauthorized', message: 'Invalid username or password.' }, 401));
    renderWithProviders(<LoginForm />);

    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong password');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid username or password.');
    expect(getSession().status).not.toBe('signed-in');
  });

  it('logs in with a username or email and starts the session from the token', async () => {
    const { calls } = mockFetch(() =>
      jsonResponse({ access_token: makeToken({ sub: '5' }), refresh_token: 'r', user: buildMe({ id: 5 }) }),
    );
    renderWithProviders(<LoginForm />);

    await userEvent.type(screen.getByLabelText('Username'), 'alice@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));

    await vi.waitFor(() => expect(getSession()).toEqual({ status: 'signed-in', userId: 5 }));
    expect(calls[0]).toMatchObject({
      url: '/api/auth/login',
      body: { username: 'alice@example.com', password: 'correct horse' },
    });
    expect(calls[0]!.headers.get('Authorization')).toBeNull();
  });
});
