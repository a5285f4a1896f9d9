import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { completeProfile, findOnDiscover, goTo, makePng, person, signUp, uploadPhoto } from './support';

// Every page, at a phone's and a laptop's width, against WCAG 2.1 A and AA (contrast included).
const WIDTHS = [
  { width: 375, height: 812 },
  { width: 1280, height: 900 },
] as const;

async function expectAccessible(page: Page, name: string) {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const found = results.violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      nodes: violation.nodes.slice(0, 3).map((node) => `${node.target.join(' ')}: ${node.failureSummary}`),
    }));
    expect(found, `${name} at ${size.width} px`).toEqual([]);
  }
}

test('every page passes axe at 375 px and 1280 px', async ({ browser, baseURL }) => {
  // Two widths of axe on a dozen pages and dialogs: more than the default budget on a busy machine.
  test.setTimeout(300_000);
  const dana = person('Dana', '10001', ['climbing', 'board games'], ['sci-fi', 'jazz']);
  const eli = person('Eli', '10003', ['board games', 'running'], ['jazz', 'history']);
  const danaContext = await browser.newContext({ baseURL });
  const eliContext = await browser.newContext({ baseURL });
  const d = await danaContext.newPage();
  const e = await eliContext.newPage();

  await d.goto('/signup');
  await expect(d.getByRole('button', { name: 'Sign up' })).toBeVisible();
  await expectAccessible(d, 'signup');
  await d.goto('/login');
  await expect(d.getByRole('button', { name: 'Log in' })).toBeVisible();
  await expectAccessible(d, 'login');

  await signUp(d, dana);
  await completeProfile(d, dana);
  await uploadPhoto(d, 'dana.png', makePng(480, 600, 10));
  await expectAccessible(d, 'profile');
  await d.getByRole('button', { name: 'Delete photo 1' }).click();
  await expect(d.getByRole('dialog', { name: 'Delete photo 1?' })).toBeVisible();
  await expectAccessible(d, 'photo delete dialog');
  await d.getByRole('button', { name: 'Cancel' }).click();

  await signUp(e, eli);
  await completeProfile(e, eli);
  await uploadPhoto(e, 'eli.png', makePng(600, 480, 150));

  await findOnDiscover(d, eli);
  await expectAccessible(d, 'discover');
  await d.getByRole('button', { name: 'Yes', exact: true }).click();
  await findOnDiscover(e, dana);
  await e.getByRole('button', { name: 'Yes', exact: true }).click();
  await expect(e.getByRole('dialog', { name: "It's a match!" })).toBeVisible();
  await expectAccessible(e, 'match dialog');
  await e.getByRole('button', { name: 'Send a message' }).click();
  await e.getByRole('textbox', { name: 'Message' }).fill('Board games on Friday?');
  await e.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(e.getByRole('log')).toContainText('Board games');
  await expectAccessible(e, 'chat');
  await e.getByRole('button', { name: 'Plan a hangout' }).click();
  await expect(e.getByRole('dialog', { name: /^Plan a hangout with/ })).toBeVisible();
  await expectAccessible(e, 'hangout proposal');
  await e.getByRole('button', { name: 'Propose' }).click();
  await expect(e.getByText(/^Waiting for/)).toBeVisible();
  await expectAccessible(e, 'chat with a proposed plan');

  await d.getByRole('button', { name: 'Keep swiping' }).click();
  await goTo(d, 'Matches');
  await expect(d.getByRole('list', { name: 'Matches' })).toContainText('Board games');
  await expectAccessible(d, 'matches');
  await d.getByRole('list', { name: 'Matches' }).getByRole('link').first().click();
  await expect(d.getByRole('button', { name: 'Accept' })).toBeVisible();
  await expectAccessible(d, 'chat with a plan to answer');
  await d.getByRole('button', { name: 'View profile' }).click();
  await expect(d.getByRole('dialog', { name: eli.displayName })).toBeVisible();
  await expectAccessible(d, 'profile sheet');
  await d.getByRole('button', { name: 'Close' }).click();
  await d.getByRole('button', { name: 'Accept' }).click();
  await expect(d.getByRole('button', { name: 'Add to calendar (.ics)' })).toBeVisible();
  await expectAccessible(d, 'chat with an agreed plan');

  await d.goto('/no-such-page');
  await expectAccessible(d, 'not found');

  await danaContext.close();
  await eliContext.close();
});
