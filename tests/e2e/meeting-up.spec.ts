import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { completeProfile, findOnDiscover, person, signUp } from './support';

/** Clicks "Add to calendar" and returns the downloaded file's name and text. */
async function downloadCalendar(page: Page): Promise<{ name: string; text: string }> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Add to calendar (.ics)' }).click();
  const file = await download;
  return { name: file.suggestedFilename(), text: await readFile((await file.path())!, 'utf8') };
}

test('two people match, one proposes a hangout, the other accepts, both see it live and get the same ICS', async ({
  browser,
  baseURL,
}) => {
  const maya = person('Maya', '10001', ['bouldering', 'chess'], ['jazz']);
  const noah = person('Noah', '10003', ['bouldering', 'cooking'], ['film']);
  const mayaContext = await browser.newContext({ baseURL, acceptDownloads: true });
  const noahContext = await browser.newContext({ baseURL, acceptDownloads: true });
  const m = await mayaContext.newPage();
  const n = await noahContext.newPage();

  await test.step('both sign up; Maya says No to Noah, takes it back with Undo, then Yes', async () => {
    await signUp(m, maya);
    await completeProfile(m, maya);
    await signUp(n, noah);
    await completeProfile(n, noah);
    const card = await findOnDiscover(m, noah);
    await m.getByRole('button', { name: 'No', exact: true }).click();
    await expect(card).toBeHidden();
    await m.getByRole('button', { name: 'Undo' }).click();
    await expect(card).toBeVisible();
    await m.getByRole('button', { name: 'Yes', exact: true }).click();
    await expect(card).toBeHidden();
  });

  await test.step('Noah says Yes: a match, and both open the chat', async () => {
    await findOnDiscover(n, maya);
    await n.getByRole('button', { name: 'Yes', exact: true }).click();
    await expect(n.getByRole('dialog', { name: "It's a match!" })).toBeVisible();
    await n.getByRole('button', { name: 'Send a message' }).click();
    await expect(n).toHaveURL(/\/matches\/\d+$/);
    await expect(m.getByRole('dialog', { name: "It's a match!" })).toBeVisible();
    await m.getByRole('button', { name: 'Send a message' }).click();
    await expect(m).toHaveURL(n.url().replace(/^.*(\/matches\/\d+)$/, `${baseURL}$1`));
  });

  await test.step("Noah sees Maya typing, and opens Maya's full profile from the chat", async () => {
    await m.getByRole('textbox', { name: 'Message' }).pressSequentially('Climb this week');
    await expect(n.getByText(`${maya.displayName} is typing…`)).toBeVisible();
    await n.getByRole('button', { name: 'View profile' }).click();
    const sheet = n.getByRole('dialog', { name: maya.displayName });
    await expect(sheet).toContainText(maya.bio);
    await expect(sheet).toContainText('You both like bouldering');
    await sheet.getByRole('button', { name: 'Close' }).click();
    await expect(sheet).toBeHidden();
  });

  await test.step('Maya proposes two times; Noah sees the plan arrive live', async () => {
    await m.getByRole('button', { name: 'Plan a hangout' }).click();
    const dialog = m.getByRole('dialog', { name: `Plan a hangout with ${noah.displayName}` });
    await expect(dialog.getByLabel('Activity')).toHaveValue('bouldering');
    await dialog.getByLabel('Kind of place').selectOption('gym');
    await dialog.getByRole('button', { name: 'Add another time' }).click();
    await dialog.getByLabel('Time 2 length').selectOption('3');
    await dialog.getByRole('button', { name: 'Propose' }).click();
    await expect(dialog).toBeHidden();
    await expect(m.getByText(`Waiting for ${noah.displayName}`)).toBeVisible();
    const plan = n.getByRole('article', { name: 'bouldering' });
    await expect(plan).toContainText('Gym');
    await expect(plan.getByRole('radio')).toHaveCount(2);
  });

  await test.step('Noah accepts the second time; both see it agreed without a reload', async () => {
    const plan = n.getByRole('article', { name: 'bouldering' });
    await plan.getByRole('radio').nth(1).check();
    await plan.getByRole('button', { name: 'Accept' }).click();
    await expect(plan).toContainText('Agreed');
    await expect(m.getByRole('article', { name: 'bouldering' })).toContainText('Agreed');
    await expect(m.getByText(`Waiting for ${noah.displayName}`)).toBeHidden();
  });

  await test.step('both download the same calendar file, with the activity and the second time', async () => {
    const fromMaya = await downloadCalendar(m);
    const fromNoah = await downloadCalendar(n);
    expect(fromMaya.name).toMatch(/^friender-hangout-\d+\.ics$/);
    expect(fromMaya.text).toBe(fromNoah.text);
    expect(fromMaya.text).toContain('BEGIN:VCALENDAR');
    expect(fromMaya.text).toContain('SUMMARY:bouldering');
    // The second option: tomorrow + 1 day at 18:00 local, three hours long.
    const start = /DTSTART:(\d{8}T\d{6}Z)/.exec(fromMaya.text)![1]!;
    const end = /DTEND:(\d{8}T\d{6}Z)/.exec(fromMaya.text)![1]!;
    const parse = (s: string) =>
      Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13));
    expect((parse(end) - parse(start)) / 3_600_000).toBe(3);
    const expected = new Date();
    expected.setDate(expected.getDate() + 2);
    expected.setHours(18, 0, 0, 0);
    expect(parse(start)).toBe(expected.getTime());
  });

  await test.step('Noah opens the chat again: the plan is drawn with the log, and nothing pushes the log down', async () => {
    // Layout shifts of the whole load, summed as Lighthouse's CLS counts them (not after input).
    await n.addInitScript(() => {
      const page = window as unknown as { layoutShift: number };
      page.layoutShift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) {
          if (!entry.hadRecentInput) page.layoutShift += entry.value;
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await n.reload();
    await expect(n.getByRole('article', { name: 'bouldering' })).toContainText('Agreed');
    await expect(n.getByRole('log', { name: `Conversation with ${maya.displayName}` })).toBeVisible();
    // Two frames: a shift of the last render is reported to the observer once it is painted.
    const shift = await n.evaluate(
      () =>
        new Promise<number>((resolve) =>
          requestAnimationFrame(() =>
            requestAnimationFrame(() => resolve((window as unknown as { layoutShift: number }).layoutShift)),
          ),
        ),
    );
    expect(shift).toBeLessThan(0.01);
  });

  await mayaContext.close();
  await noahContext.close();
});
