import { expect, test, type BrowserContext } from '@playwright/test';
import { completeProfile, expectImageRendered, findOnDiscover, goTo, makePng, person, signUp, uploadPhoto } from './support';

/** Every response of the context whose URL is a stored photo (main image or thumbnail). */
function photoResponses(context: BrowserContext): { url: string; status: number }[] {
  const seen: { url: string; status: number }[] = [];
  context.on('response', (response) => {
    if (/\/photos\/[0-9a-f-]{36}(-thumb)?\.jpg/.test(new URL(response.url()).pathname)) {
      seen.push({ url: response.url(), status: response.status() });
    }
  });
  return seen;
}

test('reloading discover and chat revalidates no photo the browser already holds', async ({
  browser,
  baseURL,
}) => {
  const dana = person('Dana', '10001', ['rowing'], ['sculpture']);
  const eli = person('Eli', '10003', ['rowing'], ['theatre']);
  const danaContext = await browser.newContext({ baseURL });
  const eliContext = await browser.newContext({ baseURL });
  const d = await danaContext.newPage();
  const e = await eliContext.newPage();
  const eliSaw = photoResponses(eliContext);

  await signUp(d, dana);
  await completeProfile(d, dana);
  await uploadPhoto(d, 'dana.png', makePng(320, 240, 120));
  await signUp(e, eli);
  await completeProfile(e, eli);
  await findOnDiscover(d, eli);
  await d.getByRole('button', { name: 'Yes', exact: true }).click();

  await test.step("Eli's discover page shows Dana's photo, and again after a reload from the cache", async () => {
    const card = await findOnDiscover(e, dana);
    await expectImageRendered(card.getByRole('img', { name: new RegExp(`^${dana.displayName}, photo 1`) }));
    expect(eliSaw.filter((r) => r.status === 200).length).toBeGreaterThan(0);

    await e.reload();
    const again = e.getByRole('article', { name: dana.displayName });
    await expectImageRendered(again.getByRole('img', { name: new RegExp(`^${dana.displayName}, photo 1`) }));
  });

  await test.step('after the match, the matches list and a reloaded chat keep the thumbnail', async () => {
    await e.getByRole('button', { name: 'Yes', exact: true }).click();
    await expect(e.getByRole('dialog', { name: "It's a match!" })).toBeVisible();
    await e.getByRole('button', { name: 'Send a message' }).click();
    await expect(e).toHaveURL(/\/matches\/\d+$/);
    await goTo(e, 'Matches');
    await expectImageRendered(e.getByRole('list', { name: 'Matches' }).locator('img').first());
    await e.getByRole('list', { name: 'Matches' }).getByRole('link').first().click();
    await expect(e).toHaveURL(/\/matches\/\d+$/);
    await e.reload();
    await expect(e.getByRole('textbox', { name: 'Message' })).toBeVisible();
    await goTo(e, 'Matches');
    await expectImageRendered(e.getByRole('list', { name: 'Matches' }).locator('img').first());
    await e.reload();
    await expectImageRendered(e.getByRole('list', { name: 'Matches' }).locator('img').first());
  });

  const revalidated = eliSaw.filter((r) => r.status === 304);
  expect(revalidated, 'photos already in the cache are used without asking the server').toEqual([]);
  await danaContext.close();
  await eliContext.close();
});

test('the built app is sent compressed, fingerprinted files are immutable and the page is not', async ({
  page,
  request,
}) => {
  const scripts: string[] = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/assets/')) scripts.push(response.url());
  });
  const document = await page.goto('/login');
  expect(document!.headers()['cache-control']).toBe('no-cache');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  expect(scripts.length).toBeGreaterThan(0);

  for (const encoding of ['br', 'gzip']) {
    const asset = await request.get(scripts[0]!, { headers: { 'Accept-Encoding': encoding } });
    expect(asset.status()).toBe(200);
    expect(asset.headers()['content-encoding']).toBe(encoding);
    expect(asset.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  }

  const robots = await request.get('/robots.txt');
  expect(robots.status()).toBe(200);
  expect(robots.headers()['content-type']).toMatch(/^text\/plain/);
  expect(await robots.text()).toContain('User-agent: *');
});
