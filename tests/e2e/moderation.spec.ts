import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { completeProfile, findOnDiscover, goTo, logIn, mailedLink, person, signUp } from './support';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What an operator does on the server: `flask users grant-moderator`, against this run's database. */
function grantModerator(baseURL: string, username: string): void {
  const port = new URL(baseURL).port;
  const databaseUrl = readFileSync(join(process.env.TMPDIR ?? tmpdir(), `friender-e2e-${port}.database-url`), 'utf8');
  execFileSync(join(root, '.venv', 'bin', 'flask'), ['--app', 'friender', 'users', 'grant-moderator', username], {
    env: { ...process.env, DATABASE_URL: databaseUrl.trim(), FRIENDER_ENV: 'development' },
    cwd: tmpdir(),
    encoding: 'utf8',
  });
}

test('a report from a chat reaches a moderator, whose suspension signs the person out with a notice; banned, she appeals by mail', async ({
  browser,
  baseURL,
}) => {
  const alice = person('Alice', '10001', ['hiking'], ['jazz']);
  const bob = person('Bob', '10003', ['hiking'], ['film']);
  const mod = person('Mod', '10001', ['chess'], ['film']);
  const contexts = await Promise.all([1, 2, 3].map(() => browser.newContext({ baseURL })));
  const [a, b, m] = await Promise.all(contexts.map((context) => context.newPage()));

  await test.step('Alice and Bob match, and Alice sends a threat', async () => {
    await signUp(a, alice);
    await completeProfile(a, alice);
    await signUp(b, bob);
    await completeProfile(b, bob);
    await findOnDiscover(a, bob);
    await a.getByRole('button', { name: 'Yes', exact: true }).click();
    await findOnDiscover(b, alice);
    await b.getByRole('button', { name: 'Yes', exact: true }).click();
    await expect(b.getByRole('dialog', { name: "It's a match!" })).toBeVisible();
    await b.getByRole('button', { name: 'Send a message' }).click();
    await expect(a.getByRole('dialog', { name: "It's a match!" })).toBeVisible();
    await a.getByRole('button', { name: 'Send a message' }).click();
    await a.getByRole('textbox', { name: 'Message' }).fill('You will regret saying no to me.');
    await a.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(b.getByRole('log')).toContainText('You will regret');
  });

  await test.step('Bob reports Alice from the chat, choosing a category', async () => {
    await b.getByRole('button', { name: 'More' }).click();
    await b.getByRole('menuitem', { name: 'Report' }).click();
    const dialog = b.getByRole('dialog', { name: `Report ${alice.displayName}` });
    await dialog.getByLabel('Category').selectOption({ label: 'Harassment or threats' });
    await dialog.getByLabel('Reason').fill('She threatened me.');
    await dialog.getByRole('button', { name: 'Send report' }).click();
    await expect(b.getByRole('dialog', { name: 'Thanks for telling us' })).toBeVisible();
  });

  await test.step('the moderator opens the case and sees the report and the messages', async () => {
    await signUp(m, mod);
    grantModerator(baseURL!, mod.username);
    await m.getByRole('button', { name: 'Log out' }).click();
    await logIn(m, mod);
    await m.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Moderation' }).click();
    await expect(m).toHaveURL(/\/moderation$/);
    await m.getByRole('link', { name: alice.displayName }).click();
    await expect(m.getByRole('heading', { name: `Case: ${alice.displayName}` })).toBeVisible();
    await expect(m.getByText('She threatened me.')).toBeVisible();
    await expect(m.getByRole('region', { name: /^Messages with user/ })).toContainText('You will regret');
  });

  await test.step('the moderator suspends Alice with a note', async () => {
    await goTo(a, 'Matches'); // Alice has the app open somewhere else
    await m.getByRole('button', { name: 'Suspend', exact: true }).click();
    const dialog = m.getByRole('dialog', { name: `Suspend: ${alice.displayName}` });
    await dialog.getByLabel('Suspended until').fill('2030-01-01T12:00');
    await dialog.getByLabel('Note').fill('Threat in chat, first offence.');
    await dialog.getByRole('button', { name: 'Confirm suspend' }).click();
    await expect(dialog).toBeHidden();
    await expect(m.getByText(/Suspended until/)).toBeVisible();
  });

  await test.step("Alice's open tab is signed out and shows the notice; she cannot log back in", async () => {
    await expect(a).toHaveURL(/\/login$/);
    await expect(a.getByText(/Your account is suspended until .*Rule: Be kind: no harassment/)).toBeVisible();
    await a.getByLabel('Username').fill(alice.username);
    await a.getByLabel('Password').fill(alice.password);
    await a.getByRole('button', { name: 'Log in' }).click();
    await expect(a.getByRole('alert')).toContainText('This account is suspended until 2030-01-01');
  });

  await test.step('the audit log lists the suspension', async () => {
    await m.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Moderation' }).click();
    const audit = m.getByRole('table');
    await expect(audit).toContainText('Suspend');
    await expect(audit).toContainText('Threat in chat, first offence.');
  });

  await test.step('the moderator bans Alice from her case', async () => {
    await m.getByRole('table').getByRole('link').first().click();
    await expect(m.getByRole('heading', { name: `Case: ${alice.displayName}` })).toBeVisible();
    await m.getByRole('button', { name: 'Ban', exact: true }).click();
    const dialog = m.getByRole('dialog', { name: `Ban: ${alice.displayName}` });
    await dialog.getByLabel('Note').fill('Threatened again by mail.');
    await dialog.getByRole('button', { name: 'Confirm ban' }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step('banned, Alice appeals from the link in the ban mail, without signing in', async () => {
    await a.goto(await mailedLink(alice.email, '/appeal', 'Your Friender account is banned'));
    await expect(a.getByRole('heading', { name: 'Your account is banned' })).toBeVisible();
    // The suspension handled the report: the ban keeps the case's rule.
    await expect(a.getByText(/^Rule: Be kind: no harassment/)).toBeVisible();
    await a.getByLabel('Your appeal').fill('I was angry, I am sorry. It will not happen again.');
    await a.getByRole('button', { name: 'Send appeal' }).click();
    await expect(a.getByText('Your appeal was sent.', { exact: false })).toBeVisible();
  });

  await test.step("the appeal reopens Alice's case in the moderator's queue", async () => {
    await m.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Moderation' }).click();
    await m.getByRole('link', { name: alice.displayName }).click();
    await expect(m.getByRole('region', { name: 'Appeals' })).toContainText('I was angry, I am sorry.');
  });

  await Promise.all(contexts.map((context) => context.close()));
});
