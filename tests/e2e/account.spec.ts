import { expect, test } from '@playwright/test';
import { person, signUp } from './support';

test('deleting your account asks for the password and lands on sign-up', async ({ page }) => {
  const fay = person('Fay', '10001', ['chess'], ['jazz']);
  await signUp(page, fay);

  const account = page.getByRole('region', { name: 'Your account' });
  await account.getByRole('button', { name: 'Delete account' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
  await expect(dialog.getByLabel('Password')).toBeFocused();

  await dialog.getByLabel('Password').fill('not my password');
  await dialog.getByRole('button', { name: 'Delete account' }).click();
  await expect(dialog.getByLabel('Password')).toHaveAccessibleDescription('That password is not correct.');
  await expect(page).toHaveURL(/\/profile$/);

  await dialog.getByLabel('Password').fill(fay.password);
  await dialog.getByRole('button', { name: 'Delete account' }).click();
  await expect(page).toHaveURL(/\/signup$/);
  await expect(page.getByText('Your account has been deleted.')).toBeVisible();

  // The account is really gone: logging in with it fails.
  await page.goto('/login');
  await page.getByLabel('Username').fill(fay.username);
  await page.getByLabel('Password').fill(fay.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
});

test('an unknown address shows a friendly 404 with a way home', async ({ page }) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Go home' }).click();
  await expect(page).toHaveURL(/\/login$/);
});

test('the account section fits a phone and is reachable by keyboard', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  const gus = person('Gus', '10001', ['chess'], ['jazz']);
  await signUp(page, gus);
  const download = page.getByRole('button', { name: 'Download my data' });
  await download.focus();
  await expect(download).toBeFocused();
  const box = await page.getByRole('region', { name: 'Your account' }).boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 375).toBe(true);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(375);
});
