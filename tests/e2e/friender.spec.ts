import { expect, test, type Locator, type Page } from '@playwright/test';
import {
  completeProfile,
  expectImageRendered,
  findOnDiscover,
  goTo,
  makePng,
  person,
  signUp,
  uploadPhoto,
  type Person,
} from './support';

test('two people sign up, match on a shared hobby and chat live', async ({ browser, baseURL }, testInfo) => {
  const storage = testInfo.project.metadata.storage as string;
  const alice = person('Alice', '10001', ['hiking', 'chess'], ['jazz']);
  const bob = person('Bob', '10003', ['hiking', 'cooking'], ['film']);

  // Separate browser contexts: separate cookies, separate in-memory sessions.
  const aliceContext = await browser.newContext({ baseURL });
  const bobContext = await browser.newContext({ baseURL });
  const a = await aliceContext.newPage();
  const b = await bobContext.newPage();

  await test.step('both sign up and complete their profiles in nearby ZIP codes', async () => {
    await signUp(a, alice);
    await completeProfile(a, alice);
    await signUp(b, bob);
    await completeProfile(b, bob);
  });

  await test.step('Alice uploads a photo', async () => {
    await uploadPhoto(a, 'alice.png', makePng(320, 240, 40));
  });

  await test.step('Alice says yes to Bob', async () => {
    const card = await findOnDiscover(a, bob);
    // The shared hobby is on the photo, and starred in the hobbies below.
    await expect(card.getByRole('list', { name: 'Shared interests' }).getByText('hiking')).toBeVisible();
    await expect(card.getByText('Shared: hiking')).toBeAttached();
    await a.getByRole('button', { name: 'Yes', exact: true }).click();
    await expect(card).toBeHidden();
  });

  await test.step("Bob sees Alice's photo load from its signed URL, and drags her card right: it's a match", async () => {
    const card = await findOnDiscover(b, alice);
    await expect(card.getByText(/^Within \d+ miles$/)).toBeVisible();
    const photo = card.getByRole('img', { name: new RegExp(`^${alice.displayName}, photo 1`) });
    await expectImageRendered(photo);
    const src = await photo.getAttribute('src');
    expect(src, 'photo URLs are absolute').toMatch(/^https?:\/\//);
    expect(src, 'object keys never contain the uploaded file name').not.toContain('alice.png');
    if (storage === 's3') {
      // Served by the S3 server through a presigned URL, not by the app.
      expect(new URL(src!).origin).not.toBe(new URL(baseURL!).origin);
      expect(src).toMatch(/X-Amz-Signature=|Signature=/);
    }

    // Bob drags the card to the right, as on a phone, instead of pressing Yes.
    const box = (await card.boundingBox())!;
    const [x, y] = [box.x + box.width / 2, box.y + 120];
    await b.mouse.move(x, y);
    await b.mouse.down();
    await b.mouse.move(x + 60, y, { steps: 4 });
    await expect(card).toHaveAttribute('style', /translateX\(60px\)/);
    await b.mouse.move(x + 200, y, { steps: 4 });
    await b.mouse.up();
    await expect(b.getByRole('dialog', { name: "It's a match!" })).toBeVisible();
  });

  await test.step('Alice hears about the match live, without a reload', async () => {
    await expect(a.getByRole('dialog', { name: "It's a match!" })).toBeVisible();
  });

  await test.step('messages typed by each appear in the other’s chat without a reload', async () => {
    await b.getByRole('button', { name: 'Send a message' }).click();
    await expect(b).toHaveURL(/\/matches\/\d+$/);
    await a.getByRole('button', { name: 'Send a message' }).click();
    await expect(a).toHaveURL(b.url().replace(/^.*(\/matches\/\d+)$/, `${baseURL}$1`));

    const bobLog = b.getByRole('log');
    const aliceLog = a.getByRole('log');

    const hello = 'Hi Alice! Hiking this weekend? <b>not bold</b>';
    await b.getByRole('textbox', { name: 'Message' }).fill(hello);
    await b.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(bobLog).toContainText(hello);
    await expect(aliceLog).toContainText(hello); // rendered as text, pushed live
    await expect(aliceLog.locator('b')).toHaveCount(0);

    const reply = 'Hey Bob! Saturday at 9?';
    await a.getByRole('textbox', { name: 'Message' }).fill(reply);
    await a.getByRole('textbox', { name: 'Message' }).press('Enter');
    await expect(aliceLog).toContainText(reply);
    await expect(bobLog).toContainText(reply);

    // Alice had the conversation open when Bob's message arrived: Bob gets a read receipt.
    await expect(bobLog.getByText('Seen')).toBeVisible();
  });

  await test.step('the matches list shows the conversation', async () => {
    await goTo(a, 'Matches');
    const row = a.getByRole('list', { name: 'Matches' }).getByRole('link', { name: new RegExp(bob.displayName) });
    await expect(row).toContainText('You: Hey Bob! Saturday at 9?');
  });

  await test.step('logging out ends the session for good', async () => {
    await b.getByRole('button', { name: 'Log out' }).click();
    await expect(b).toHaveURL(/\/login$/);
    await b.goto('/matches');
    await expect(b).toHaveURL(/\/login$/);
  });

  await aliceContext.close();
  await bobContext.close();
});

test('a reload keeps the person signed in through the refresh cookie', async ({ page }) => {
  const carol = person('Carol', '10001', ['chess'], ['jazz']);
  await signUp(page, carol);
  await page.reload();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByText(`@${carol.username}`)).toBeVisible();
  await page.goto('/discover');
  // An incomplete profile leads back to the profile page.
  await expect(page).toHaveURL(/\/profile$/);
});

test('client routes load from the server and /api stays JSON', async ({ page, request }) => {
  await page.goto('/matches/12345');
  await expect(page).toHaveURL(/\/login$/); // history fallback served the app, which asked for a login
  const response = await request.get('/api/definitely-not-a-route');
  expect(response.status()).toBe(404);
  expect(await response.json()).toMatchObject({ error: 'not_found' });
});

test('a signed-out page load asks for no refresh and logs no error', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  const refreshes: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/auth/refresh')) refreshes.push(request.url());
  });
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  expect(refreshes).toEqual([]);
  expect(errors).toEqual([]);
});

test('logging out in one tab signs the other tabs out', async ({ context }) => {
  const ida = person('Ida', '10001', ['chess'], ['jazz']);
  const first = await context.newPage();
  await signUp(first, ida);
  const second = await context.newPage();
  await second.goto('/profile'); // a second tab: restored through the shared refresh cookie
  await expect(second.getByText(`@${ida.username}`)).toBeVisible();

  await first.getByRole('button', { name: 'Log out' }).click();

  await expect(first).toHaveURL(/\/login$/);
  await expect(second).toHaveURL(/\/login$/);
  await expect(second.getByRole('button', { name: 'Log in' })).toBeVisible();
});

test('eight tabs of one person all load, and a match reaches every one of them', async ({ browser, baseURL }) => {
  // Chromium opens at most six HTTP/1.1 connections per host: if every tab held its own event
  // stream, the seventh tab would wait forever for its page and its API calls.
  const jo = person('Jo', '10001', ['climbing'], ['poetry']);
  const kim = person('Kim', '10003', ['climbing'], ['opera']);
  const joContext = await browser.newContext({ baseURL });
  const first = await joContext.newPage();
  await signUp(first, jo);
  await completeProfile(first, jo);
  const tabs = [first];
  for (let i = 1; i < 8; i++) {
    const tab = await joContext.newPage();
    await tab.goto('/matches');
    await expect(tab.getByRole('heading', { name: 'No matches yet' })).toBeVisible(); // its API call answered
    tabs.push(tab);
  }

  const kimContext = await browser.newContext({ baseURL });
  const k = await kimContext.newPage();
  await signUp(k, kim);
  await completeProfile(k, kim);

  const last = tabs[7]!;
  await findOnDiscover(last, kim);
  await last.getByRole('button', { name: 'Yes', exact: true }).click();
  await findOnDiscover(k, jo);
  await k.getByRole('button', { name: 'Yes', exact: true }).click();
  await expect(k.getByRole('dialog', { name: "It's a match!" })).toBeVisible();

  // One tab reads the stream and the others hear it from that tab.
  for (const tab of tabs) await expect(tab.getByRole('dialog', { name: "It's a match!" })).toBeVisible();

  await joContext.close();
  await kimContext.close();
});

/** The longest display name allowed: 50 characters without a space to break at. */
function withLongName(who: Person): Person {
  return { ...who, displayName: who.username.padEnd(50, 'x') };
}

/** Nothing is wider than the screen: the page cannot be scrolled sideways. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const width = page.viewportSize()!.width;
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

/** `left` ends before `right` starts (a name does not run into the button or time beside it). */
async function expectSideBySide(left: Locator, right: Locator): Promise<void> {
  const a = (await left.boundingBox())!;
  const b = (await right.boundingBox())!;
  expect(a.x + a.width).toBeLessThanOrEqual(b.x);
}

test('on a phone, the longest names stay on screen and Yes is reachable without scrolling', async ({
  browser,
  baseURL,
}) => {
  const frida = withLongName(person('Frida', '10001', ['kayaking'], ['poetry']));
  const gus = withLongName(person('Gus', '10003', ['kayaking'], ['poetry']));
  const phone = { baseURL, viewport: { width: 375, height: 667 } };
  const fridaContext = await browser.newContext(phone);
  const gusContext = await browser.newContext(phone);
  const f = await fridaContext.newPage();
  const g = await gusContext.newPage();
  await signUp(f, frida);
  await completeProfile(f, frida);
  await signUp(g, gus);
  await completeProfile(g, gus);

  await test.step('the discover card shows Yes and No above the tab bar, unscrolled', async () => {
    const card = await findOnDiscover(f, gus);
    await f.evaluate(() => window.scrollTo(0, 0));
    const yes = f.getByRole('button', { name: 'Yes', exact: true });
    await expect(yes).toBeInViewport({ ratio: 1 });
    await expect(f.getByRole('button', { name: 'No', exact: true })).toBeInViewport({ ratio: 1 });
    const tabs = (await f.getByRole('navigation', { name: 'Main' }).boundingBox())!;
    const yesBox = (await yes.boundingBox())!;
    expect(yesBox.y + yesBox.height, 'Yes is not hidden behind the tab bar').toBeLessThanOrEqual(tabs.y);
    expect(await f.evaluate(() => window.scrollY)).toBe(0);
    const name = card.getByRole('heading', { name: gus.displayName });
    await expectSideBySide(name, card.getByRole('button', { name: 'More' }));
    await expect(name).toHaveAttribute('title', gus.displayName);
    const lines = await name.evaluate((el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight));
    expect(lines, 'the name takes two lines at most').toBeLessThanOrEqual(2.05);
    await expectNoSidewaysScroll(f);
    await yes.click();
  });

  await test.step('the match dialog fits the screen', async () => {
    await findOnDiscover(g, frida);
    await g.getByRole('button', { name: 'Yes', exact: true }).click();
    const dialog = g.getByRole('dialog', { name: "It's a match!" });
    await expect(dialog).toContainText(frida.displayName);
    const box = (await dialog.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    await expectNoSidewaysScroll(g);
    await g.getByRole('button', { name: 'Send a message' }).click();
  });

  await test.step('the chat header keeps the name clear of the More button', async () => {
    const title = g.getByRole('heading', { level: 1 });
    await expect(title).toHaveAttribute('title', frida.displayName);
    await expectSideBySide(title, g.getByRole('button', { name: 'More' }));
    await expectNoSidewaysScroll(g);
  });

  await test.step('the report dialog fits the screen', async () => {
    await g.getByRole('button', { name: 'More' }).click();
    await g.getByRole('menuitem', { name: 'Report' }).click();
    const dialog = g.getByRole('dialog', { name: `Report ${frida.displayName}` });
    const box = (await dialog.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    await expectNoSidewaysScroll(g);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  await test.step('the matches list keeps the name clear of the time', async () => {
    await goTo(g, 'Matches');
    const row = g.getByRole('list', { name: 'Matches' }).getByRole('link', { name: new RegExp(frida.displayName) });
    await expectSideBySide(row.getByTitle(frida.displayName), row.locator('.match-time'));
    await expectNoSidewaysScroll(g);
  });

  await fridaContext.close();
  await gusContext.close();
});

test('on a phone, a long URL or word in a bio wraps inside the discover card', async ({ browser, baseURL }) => {
  const word = 'Supercalifragilistic'.repeat(6); // 120 characters, no place to break
  const url = 'https://open.example.com/playlist/37i9dQZF1DXcBWIGoYBM5M?si=abcdef1234567890abcdef1234567890';
  const lena = { ...person('Lena', '10001', ['sailing'], ['opera']), bio: `My playlist: ${url}\n${word}` };
  const milo = person('Milo', '10003', ['sailing'], ['opera']);
  const lenaContext = await browser.newContext({ baseURL });
  const miloContext = await browser.newContext({ baseURL, viewport: { width: 375, height: 667 } });
  const l = await lenaContext.newPage();
  const m = await miloContext.newPage();
  await signUp(l, lena);
  await completeProfile(l, lena);
  await signUp(m, milo);
  await completeProfile(m, milo);

  const card = await findOnDiscover(m, lena);
  await expect(card.getByText(word)).toBeVisible();
  const box = (await card.boundingBox())!;
  expect(box.x + box.width, 'the card fits the screen').toBeLessThanOrEqual(375);
  await expectNoSidewaysScroll(m);

  await lenaContext.close();
  await miloContext.close();
});

test('the buttons of a photo fit on one line at 375 px and 1280 px and work from the keyboard', async ({ page }) => {
  const hana = person('Hana', '10001', ['pottery'], ['opera']);
  await signUp(page, hana);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Upload photos' }).click();
  await (await chooser).setFiles([
    { name: 'first.png', mimeType: 'image/png', buffer: makePng(240, 240, 20) },
    { name: 'second.png', mimeType: 'image/png', buffer: makePng(240, 240, 140) },
  ]);
  const photos = page.getByRole('list', { name: 'Your photos' }).getByRole('img');
  await expect(photos).toHaveCount(2);

  const actions = ['Move photo 2 earlier', 'Make photo 2 the main photo', 'Move photo 2 later', 'Delete photo 2'];
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    const tops = await Promise.all(
      actions.map(async (name) => (await page.getByRole('button', { name }).boundingBox())!.y),
    );
    expect(new Set(tops).size, `the four buttons share one line at ${width} px`).toBe(1);
  }

  const path = async (image: Locator) => new URL((await image.getAttribute('src'))!).pathname;
  const second = await path(photos.nth(1));
  await page.getByRole('button', { name: 'Make photo 2 the main photo' }).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => path(photos.first())).toBe(second);
});

test('the discover card: the photo as its full-bleed hero, with name, distance, shared tags and Yes / No in one screen', async ({
  browser,
  baseURL,
}) => {
  const nora = person('Nora', '10001', ['chess', 'kayaking'], ['poetry']);
  const omar = person('Omar', '10003', ['chess', 'kayaking'], ['jazz']);
  const noraContext = await browser.newContext({ baseURL });
  const omarContext = await browser.newContext({ baseURL, viewport: { width: 375, height: 812 } });
  const n = await noraContext.newPage();
  const o = await omarContext.newPage();
  await signUp(n, nora);
  await completeProfile(n, nora);
  await uploadPhoto(n, 'nora.png', makePng(480, 640, 200));
  await signUp(o, omar);
  await completeProfile(o, omar);

  const card = await findOnDiscover(o, nora);
  for (const size of [
    { width: 375, height: 812 },
    { width: 1280, height: 800 },
  ]) {
    await o.setViewportSize(size);
    await o.evaluate(() => window.scrollTo(0, 0));
    const at = `at ${size.width}x${size.height}`;
    const photo = card.getByRole('img', { name: new RegExp(`^${nora.displayName}, photo 1`) });
    await expectImageRendered(photo);
    const shown = [
      photo,
      card.getByRole('heading', { name: nora.displayName }),
      card.getByText(/^Within \d+ miles$/),
      card.getByRole('list', { name: 'Shared interests' }),
      card.getByRole('button', { name: 'No', exact: true }),
      card.getByRole('button', { name: 'Yes', exact: true }),
    ];
    for (const part of shown) await expect(part, at).toBeInViewport({ ratio: 1 });
    await expect(card.getByRole('list', { name: 'Shared interests' })).toHaveText(/chess.*kayaking/);
    const tabs = o.getByRole('navigation', { name: 'Main' });
    const yes = (await shown[5]!.boundingBox())!;
    const tabsBox = (await tabs.boundingBox())!;
    if (size.width < 768) expect(yes.y + yes.height, `Yes clears the tab bar ${at}`).toBeLessThanOrEqual(tabsBox.y);
    // Full bleed: the photo spans the card's whole width, and the name sits on the photo.
    const cardBox = (await card.boundingBox())!;
    const photoBox = (await photo.boundingBox())!;
    expect(Math.abs(photoBox.x - cardBox.x), at).toBeLessThanOrEqual(1);
    expect(Math.abs(photoBox.width - cardBox.width), at).toBeLessThanOrEqual(1);
    const nameBox = (await shown[1]!.boundingBox())!;
    expect(nameBox.y + nameBox.height, `the name is on the photo ${at}`).toBeLessThanOrEqual(photoBox.y + photoBox.height);
    expect(photoBox.height, `the photo is the hero ${at}`).toBeGreaterThan(size.height * 0.5);
    expect(await o.evaluate(() => window.scrollY), at).toBe(0);
    await expectNoSidewaysScroll(o);
  }

  await noraContext.close();
  await omarContext.close();
});

test("the ZIP field refuses a sixth digit out loud, and a photo is deleted through the app's own dialog", async ({ page }) => {
  const pia = person('Pia', '10001', ['rowing'], ['theatre']);
  await signUp(page, pia);
  await completeProfile(page, pia);

  const zip = page.getByLabel('ZIP code');
  await zip.click();
  await zip.press('End');
  await zip.pressSequentially('7');
  await expect(zip).toHaveValue(pia.zip);
  await expect(page.getByText('A US ZIP code has 5 digits: the extra digit was not added.')).toBeVisible();
  await expect(zip).toHaveAttribute('aria-invalid', 'true');

  await uploadPhoto(page, 'pia.png', makePng(400, 400, 90));
  let browserDialog = false;
  page.on('dialog', (dialog) => {
    browserDialog = true;
    void dialog.dismiss();
  });
  await page.getByRole('button', { name: 'Delete photo 1' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete photo 1?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('list', { name: 'Your photos' }).getByRole('img')).toHaveCount(1);
  await page.getByRole('button', { name: 'Delete photo 1' }).click();
  await dialog.getByRole('button', { name: 'Delete photo' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('No photos yet.')).toBeVisible();
  expect(browserDialog, 'no window.confirm()').toBe(false);
});
