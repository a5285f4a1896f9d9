import { expect, test } from '@playwright/test';
import { completeProfile, findOnDiscover, goTo, logIn, mailedLink, person, signUp } from './support';

test('forgot password: the mailed link sets a new password and the old one stops working', async ({ page }) => {
  const hal = person('Hal', '10001', ['chess'], ['jazz']);
  await signUp(page, hal);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);

  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel('Email').fill(hal.email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByRole('status')).toContainText('If an account has that address');

  // Open the mail from the outbox and follow its link.
  await page.goto(await mailedLink(hal.email, '/reset-password'));
  const newPassword = 'seven quiet lanterns drift';
  const confirm = page.waitForRequest((request) => request.url().endsWith('/api/auth/password-reset/confirm'));
  await page.getByLabel('New password').fill('password');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByLabel('New password')).toHaveAccessibleDescription(/too easy to guess/);
  // The page's address holds the single-use token; what it calls sees only the origin.
  expect(page.url()).toContain('token=');
  expect((await (await confirm).allHeaders())['referer']).toBe(`${new URL(page.url()).origin}/`);
  await page.getByLabel('New password').fill(newPassword);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await page.getByRole('link', { name: 'Log in' }).click();

  await page.getByLabel('Username').fill(hal.username);
  await page.getByLabel('Password').fill(hal.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('Invalid username or password');
  await logIn(page, { ...hal, password: newPassword });
  await expect(page).toHaveURL(/\/(profile|discover)$/);
});

test('signing up shows a strength meter, a birthdate under 18 is refused, and the banner offers Resend', async ({
  page,
}) => {
  const ivy = person('Ivy', '10001', ['chess'], ['jazz']);
  await page.goto('/signup');
  await page.getByLabel('Username').fill(ivy.username);
  await page.getByLabel('Email').fill(ivy.email);
  await page.getByLabel('Password').fill('password');
  const meter = page.getByRole('meter', { name: 'Strength' });
  await expect(meter).toHaveAttribute('aria-valuetext', 'Very weak');
  await expect(page.getByTestId('password-strength')).toContainText('common password');
  await page.getByLabel('Password').fill(ivy.password);
  await expect(meter).toHaveAttribute('aria-valuetext', /strong/i);

  const year = new Date().getFullYear();
  await page.getByLabel('Birthdate').fill(`${year - 17}-01-01`);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByLabel('Birthdate')).toHaveAccessibleDescription(/18 or older/);
  await page.getByLabel('Birthdate').fill(ivy.birthdate);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/profile$/);

  const banner = page.getByRole('region', { name: 'Confirm your email' });
  await expect(banner).toContainText(ivy.email);
  await banner.getByRole('button', { name: 'Resend' }).click();
  await expect(banner.getByRole('status')).toHaveText(/Sent/);
  // The newest link works; the banner goes once the profile reloads.
  await page.goto(await mailedLink(ivy.email, '/verify-email'));
  await expect(page.getByText(`${ivy.email} is confirmed`)).toBeVisible();
  await page.goto('/profile');
  await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
  await expect(banner).toBeHidden();
});

test('settings change the age range and discovery follows, both ways', async ({ browser, baseURL }) => {
  // A tag only these two share puts each first in the other's deck whenever they may see each other.
  const tag = `kayak-${Date.now().toString(36)}`;
  const jo = person('Jo', '10001', [tag], ['film'], '1996-03-10'); // 30
  const kit = person('Kit', '10003', [tag], ['film'], '1966-03-10'); // 60
  const joPage = await (await browser.newContext({ baseURL })).newPage();
  const kitPage = await (await browser.newContext({ baseURL })).newPage();
  await signUp(joPage, jo);
  await completeProfile(joPage, jo);
  await signUp(kitPage, kit);
  await completeProfile(kitPage, kit);
  await findOnDiscover(joPage, kit);

  await goTo(joPage, 'Settings');
  await joPage.getByLabel('Youngest age').fill('25');
  await joPage.getByLabel('Oldest age').fill('35');
  await joPage.getByRole('button', { name: 'Save age range' }).click();
  await expect(joPage.getByRole('status')).toHaveText('Saved');
  await goTo(joPage, 'Discover');
  await expect(joPage.getByRole('article', { name: kit.displayName })).toBeHidden();
  // Kit no longer sees Jo either (Kit's age is outside Jo's range): the rule holds both ways.
  await goTo(kitPage, 'Discover');
  const top = kitPage.getByRole('article').or(kitPage.getByRole('heading', { name: "You've seen everyone nearby" }));
  await expect(top.first()).toBeVisible();
  await expect(kitPage.getByRole('article', { name: jo.displayName })).toBeHidden();

  await goTo(joPage, 'Settings');
  await joPage.getByLabel('Oldest age').fill('99');
  await joPage.getByRole('button', { name: 'Save age range' }).click();
  await expect(joPage.getByRole('status')).toHaveText('Saved');
  await findOnDiscover(joPage, kit);
});
