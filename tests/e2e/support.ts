import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { expect, test, type Locator, type Page } from '@playwright/test';

// ---------------------------------------------------------------------------------------------
// A real PNG made in the test (a colour gradient), so no binary fixtures live in the repository.

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function makePng(width: number, height: number, hue = 0): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then RGB
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = (hue + Math.round((255 * x) / width)) % 256;
      row[2 + x * 3] = Math.round((255 * y) / height);
      row[3 + x * 3] = 160;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// People and what they do, through the UI only (the names the contract promises).

export type Person = {
  username: string;
  email: string;
  password: string;
  displayName: string;
  bio: string;
  zip: string;
  hobbies: string[];
  interests: string[];
  /** ISO date; 1990-05-15 unless a test needs another age. */
  birthdate: string;
};

export function person(
  first: string,
  zip: string,
  hobbies: string[],
  interests: string[],
  birthdate = '1990-05-15',
): Person {
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const username = `${first.toLowerCase()}_${run}`.slice(0, 30);
  return {
    username,
    email: `${username}@example.com`,
    password: 'correct horse battery',
    displayName: `${first} ${run.slice(-4)}`,
    bio: `Hi, I'm ${first}. Always up for a walk and a coffee.`,
    zip,
    hobbies,
    interests,
    birthdate,
  };
}

// ---------------------------------------------------------------------------------------------
// The inbox: the backend under test writes each mail as an .eml file (no SMTP server here).

function outbox(): string {
  return test.info().project.metadata.outbox as string;
}

/** The newest link to `path` in a mail to `to` (with that `subject`, when given), waiting for the app to write it. */
export async function mailedLink(
  to: string,
  path: '/verify-email' | '/reset-password' | '/appeal',
  subject?: string,
): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(
      () => {
        const mails = readdirSync(outbox())
          .filter((name) => name.endsWith('.eml'))
          .sort()
          .map((name) => readFileSync(join(outbox(), name), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '='))
          .filter((mail) => mail.includes(`To: ${to}`) && (!subject || mail.includes(`Subject: ${subject}`)));
        const pattern = new RegExp(`https?://[^\\s"<]+?${path}\\?token=[^\\s"<]+`, 'g');
        const links = mails.flatMap((mail) => mail.match(pattern) ?? []);
        link = links[links.length - 1];
        return link;
      },
      { message: `a mail to ${to}${subject ? ` about "${subject}"` : ''} with a ${path} link`, timeout: 15_000 },
    )
    .toBeTruthy();
  return new URL(link!).pathname + new URL(link!).search;
}

/**
 * Opens the verification mail's link in a browser of its own (as on a phone's mail app), so the
 * tabs of the person's session, which share one event stream, are left as they were.
 */
export async function verifyEmail(page: Page, who: Person): Promise<void> {
  const link = await mailedLink(who.email, '/verify-email');
  const elsewhere = await page.context().browser()!.newContext({ baseURL: test.info().project.use.baseURL });
  const mailApp = await elsewhere.newPage();
  await mailApp.goto(link);
  await expect(mailApp.getByText(`${who.email} is confirmed`)).toBeVisible();
  await elsewhere.close();
}

export async function signUp(page: Page, who: Person, { verify = true } = {}): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByLabel('Birthdate').fill(who.birthdate);
  await page.getByRole('button', { name: 'Sign up' }).click();
  // A new user is led to complete their profile first.
  await expect(page).toHaveURL(/\/profile$/);
  if (verify) await verifyEmail(page, who);
}

export async function logIn(page: Page, who: Person): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/login$/);
}

async function addTags(input: Locator, tags: string[]): Promise<void> {
  for (const tag of tags) {
    await input.fill(tag);
    await input.press('Enter');
  }
}

export async function completeProfile(page: Page, who: Person): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
  await page.getByLabel('Display name').fill(who.displayName);
  await page.getByLabel('Bio').fill(who.bio);
  await addTags(page.getByLabel('Hobbies', { exact: true }), who.hobbies);
  await addTags(page.getByLabel('Interests', { exact: true }), who.interests);
  await page.getByLabel('ZIP code').fill(who.zip);
  await expect(page.getByLabel('Friend radius (miles)')).toHaveValue('25');
  await page.getByRole('button', { name: 'Save profile' }).click();
  // Saved: the ZIP code now shows the city and state it resolves to.
  await expect(page.getByTestId('zip-place')).toHaveText(/\w.*, [A-Z]{2}/);
  await expect(page.getByText('Your profile is ready.')).toBeVisible();
}

export async function uploadPhoto(page: Page, name: string, png: Buffer): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Upload photos' }).click();
  await (await chooser).setFiles({ name, mimeType: 'image/png', buffer: png });
  await expect(page.getByRole('progressbar', { name: `Uploading ${name}` })).toHaveAttribute('aria-valuenow', '100');
  const photos = page.getByRole('list', { name: 'Your photos' }).getByRole('img');
  await expect(photos).toHaveCount(1);
  await expectImageRendered(photos.first());
}

/** The image element really decoded pixels (not a broken-image icon, not just a box). */
export async function expectImageRendered(image: Locator): Promise<void> {
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
      timeout: 15_000,
    })
    .toBeGreaterThan(0);
}

/**
 * Follows the app's own navigation (no page load, so the in-memory session carries on; reloads
 * are tested on their own).
 */
export async function goTo(page: Page, item: 'Discover' | 'Matches' | 'Profile' | 'Settings'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: new RegExp(`^${item}`) }).click();
  await expect(page).toHaveURL(new RegExp(`/${item.toLowerCase()}$`));
}

/** Says No to anyone else until `who` is on top (other runs may have left people around). */
export async function findOnDiscover(page: Page, who: Person): Promise<Locator> {
  await goTo(page, 'Discover');
  const card = page.getByRole('article', { name: who.displayName });
  for (let i = 0; i < 20; i++) {
    const next = page.getByRole('article').or(page.getByRole('heading', { name: "You've seen everyone nearby" }));
    await expect(next.first()).toBeVisible();
    if (await card.isVisible()) return card;
    if (!(await page.getByRole('article').isVisible())) break;
    // Wait for the card said No to to leave: clicking again while it is still on screen would
    // land the second No on whoever comes next, perhaps the very person looked for.
    const passed = await page.getByRole('article').getAttribute('aria-labelledby');
    await page.getByRole('button', { name: 'No', exact: true }).click();
    await expect(page.locator(`article[aria-labelledby="${passed}"]`)).toHaveCount(0);
  }
  await expect(card, `${who.displayName} should be in discovery`).toBeVisible();
  return card;
}
