import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { completeProfile, findOnDiscover, goTo, makePng, person, signUp, uploadPhoto } from './support';

// Run with SCREENSHOTS=1 (npm run screenshots): the config selects this tour by its tag and
// leaves it out of ordinary runs. Images go to docs/screenshots/ at the repository root.
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');
const WIDTHS = [375, 1280] as const;

async function shoot(page: Page, name: string) {
  mkdirSync(outDir, { recursive: true });
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 800 });
    await page.waitForTimeout(150); // let the layout settle after the resize
    await page.screenshot({ path: join(outDir, `${name}-${width}.png`), fullPage: false, animations: 'disabled' });
  }
}

test('a tour of every page at 375 px and 1280 px', { tag: '@screenshots' }, async ({ browser, baseURL }) => {
  const dana = person('Dana', '10001', ['climbing', 'board games', 'baking'], ['sci-fi', 'jazz']);
  const eli = person('Eli', '10003', ['board games', 'running'], ['jazz', 'history']);
  const danaContext = await browser.newContext({ baseURL });
  const eliContext = await browser.newContext({ baseURL });
  const d = await danaContext.newPage();
  const e = await eliContext.newPage();

  await d.goto('/signup');
  await expect(d.getByRole('button', { name: 'Sign up' })).toBeVisible();
  await shoot(d, 'signup');
  await d.goto('/login');
  await expect(d.getByRole('button', { name: 'Log in' })).toBeVisible();
  await shoot(d, 'login');

  await signUp(d, dana);
  await completeProfile(d, dana);
  await uploadPhoto(d, 'dana.png', makePng(480, 600, 10));
  await shoot(d, 'profile');

  await signUp(e, eli);
  await completeProfile(e, eli);
  await uploadPhoto(e, 'eli.png', makePng(600, 480, 150));

  await findOnDiscover(d, eli);
  await shoot(d, 'discover');
  await d.getByRole('button', { name: 'Yes', exact: true }).click();
  await findOnDiscover(e, dana);
  await e.getByRole('button', { name: 'Yes', exact: true }).click();
  await expect(e.getByRole('dialog', { name: "It's a match!" })).toBeVisible();
  await shoot(e, 'match');
  await e.getByRole('button', { name: 'Send a message' }).click();
  await e.getByRole('textbox', { name: 'Message' }).fill('Board games on Friday? I can bring Catan.');
  await e.getByRole('button', { name: 'Send', exact: true }).click();

  await d.getByRole('button', { name: 'Keep swiping' }).click();
  await goTo(d, 'Matches');
  await expect(d.getByRole('list', { name: 'Matches' })).toContainText('Catan');
  await shoot(d, 'matches');
  await d.getByRole('list', { name: 'Matches' }).getByRole('link').first().click();
  await d.getByRole('textbox', { name: 'Message' }).fill('Yes! I will bring snacks.');
  await d.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(d.getByRole('log')).toContainText('snacks');
  await shoot(d, 'chat');

  await danaContext.close();
  await eliContext.close();
});
