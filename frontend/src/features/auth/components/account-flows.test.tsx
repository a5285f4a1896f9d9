import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { buildMe } from '@/testing/fixtures';
import { jsonResponse, mockFetch, renderWithProviders } from '@/testing/test-utils';
import { ForgotPasswordForm } from './forgot-password-form';
import { ResetPasswordForm } from './reset-password-form';
import { VerifyBanner } from './verify-banner';
import { VerifyEmailStatus } from './verify-email-status';

describe('VerifyBanner', () => {
  it('asks an unverified person to confirm, and Resend mails a new link', async () => {
    const { calls } = mockFetch(() => jsonResponse({ message: 'On its way.' }, 202));
    renderWithProviders(<VerifyBanner me={buildMe({ email_verified: false })} />);

    expect(screen.getByRole('region', { name: 'Confirm your email' })).toHaveTextContent('alice@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Resend' }));

    expect(await screen.findByRole('status')).toHaveTextContent('Sent');
    expect(calls[0]).toMatchObject({ url: '/api/auth/verify-email/resend', method: 'POST' });
  });

  it('shows the wait when resending is rate limited', async () => {
    mockFetch(() => jsonResponse({ error: 'rate_limited', message: 'Too many attempts. Please wait 40 minutes.' }, 429));
    renderWithProviders(<VerifyBanner me={buildMe({ email_verified: false })} />);

    await userEvent.click(screen.getByRole('button', { name: 'Resend' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('wait 40 minutes');
  });

  it('is not shown once the address is confirmed', () => {
    renderWithProviders(<VerifyBanner me={buildMe({ email_verified: true })} />);
    expect(screen.queryByRole('region', { name: 'Confirm your email' })).not.toBeInTheDocument();
  });
});

describe('VerifyEmailStatus', () => {
  it('follows the link once and says the address is confirmed', async () => {
    const { calls } = mockFetch(() => jsonResponse(buildMe({ email_verified: true }), 200));
    renderWithProviders(<VerifyEmailStatus token="abc" signedIn={false} />);

    expect(await screen.findByText(/alice@example.com is confirmed/)).toBeInTheDocument();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: '/api/auth/verify-email', body: { token: 'abc' } });
    expect(screen.getByRole('link', { name: 'Log in' })).toBeInTheDocument();
  });

  it('says so when the link was used or has expired', async () => {
    mockFetch(() => jsonResponse({ error: 'invalid_token', message: 'This link is invalid, already used or expired.' }, 400));
    renderWithProviders(<VerifyEmailStatus token="used" signedIn />);

    expect(await screen.findByRole('alert')).toHaveTextContent(/already used or expired.*Resend/);
  });
});

describe('ForgotPasswordForm', () => {
  it('sends the address and shows the same answer whatever it is', async () => {
    const message = 'If an account has that address, a link to reset its password is on its way.';
    const { calls } = mockFetch(() => jsonResponse({ message }, 202));
    renderWithProviders(<ForgotPasswordForm />);

    await userEvent.type(screen.getByLabelText('Email'), 'alice@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Send reset link' }));

    expect(await screen.findByRole('status')).toHaveTextContent(message);
    expect(calls[0]).toMatchObject({ url: '/api/auth/password-reset', body: { email: 'alice@example.com' } });
  });
});

describe('ResetPasswordForm', () => {
  it('shows a refused password next to the field', async () => {
    mockFetch(() =>
      jsonResponse(
        {
          error: 'validation_error',
          message: 'Choose a stronger password.',
          fields: { password: ['This password is too easy to guess. This is a top-10 common password.'] },
        },
        422,
      ),
    );
    renderWithProviders(<ResetPasswordForm token="t" />);

    await userEvent.type(screen.getByLabelText('New password'), 'password');
    await userEvent.click(screen.getByRole('button', { name: 'Set new password' }));

    await vi.waitFor(() =>
      expect(screen.getByLabelText('New password')).toHaveAccessibleDescription(/top-10 common password/),
    );
  });

  it('offers a new link when this one is spent', async () => {
    mockFetch(() => jsonResponse({ error: 'invalid_token', message: 'This link is invalid, already used or expired.' }, 400));
    renderWithProviders(<ResetPasswordForm token="t" />);

    await userEvent.type(screen.getByLabelText('New password'), 'violet tugboats hum quietly');
    await userEvent.click(screen.getByRole('button', { name: 'Set new password' }));

    expect(await screen.findByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', '/forgot-password');
  });

  it('tells the person to log in once the password is set', async () => {
    const { calls } = mockFetch(() => jsonResponse({ message: 'Your password was changed.' }, 200));
    renderWithProviders(<ResetPasswordForm token="tok" />);

    await userEvent.type(screen.getByLabelText('New password'), 'violet tugboats hum quietly');
    await userEvent.click(screen.getByRole('button', { name: 'Set new password' }));

    expect(await screen.findByRole('link', { name: 'Log in' })).toBeInTheDocument();
    expect(calls[0]).toMatchObject({
      url: '/api/auth/password-reset/confirm',
      body: { token: 'tok', password: 'violet tugboats hum quietly' },
    });
  });
});
