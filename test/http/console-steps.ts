/**
 * What an operator does at the console, as playwright steps. They address the page only by the
 * names SPEC §8 promises (button and label names, `data-alarm-id` rows), so the same steps drive
 * the console over the fixtures here and over the real daemon in end-to-end tests.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { packageRoot } from '../../src/http/public-dir.js';

export const CHROMIUM = process.env['CHROMIUM_BIN'] ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(packageRoot(), 'test-artifacts');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // The horn needs no click-to-play in tests; operators still press "Enable sound".
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** Collects page errors and console errors (a CSP violation shows up here), to assert none occurred. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export async function logIn(page: Page, name: string, password: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Log in' });
  // Once the console knows whether a login is needed it has opened the dialog itself (in the same
  // task that leaves "connecting"); only then is the header's button the way in.
  await page.locator('#link:not([data-state="connecting"])').waitFor();
  if (!(await dialog.isVisible())) await page.locator('.topbar').getByRole('button', { name: 'Log in' }).click();
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Password').fill(password);
  await dialog.getByRole('button', { name: 'Log in' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

export function alarmRow(page: Page, id: string, list: 'summary' | 'shelved' = 'summary'): Locator {
  const table = list === 'summary' ? '#alarm-summary' : '#shelved-list';
  return page.locator(`${table} tr[data-alarm-id="${id}"]`);
}

export async function acknowledge(page: Page, id: string, comment: string): Promise<void> {
  await alarmRow(page, id).getByRole('button', { name: 'Acknowledge' }).click();
  const dialog = page.getByRole('dialog', { name: 'Acknowledge alarm' });
  await dialog.getByLabel('Comment').fill(comment);
  await dialog.getByRole('button', { name: 'Acknowledge' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

export async function shelve(page: Page, id: string, duration: string, comment: string): Promise<void> {
  await alarmRow(page, id).getByRole('button', { name: 'Shelve' }).click();
  const dialog = page.getByRole('dialog', { name: 'Shelve alarm' });
  await dialog.getByLabel('Duration').selectOption({ label: duration });
  await dialog.getByLabel('Comment').fill(comment);
  await dialog.getByRole('button', { name: 'Shelve' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}
