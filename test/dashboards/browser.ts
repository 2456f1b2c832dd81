/**
 * Opens built dashboard pages in the Debian Chromium (playwright-core) and records what a person
 * would notice: console errors, uncaught exceptions, failed requests and any request that leaves
 * the site's origin. Absent Chromium, `chromiumPath()` is undefined and the caller skips.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.MESHWATCH_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', 'test-results', 'dashboards');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? CHROMIUM_PATH : undefined;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface PageVisit {
  readonly page: Page;
  readonly consoleErrors: string[];
  readonly failedRequests: string[];
  readonly foreignRequests: string[];
  readonly requests: string[];
}

/** Opens `url`, waits until the page's cells have rendered, and saves a full-page screenshot. */
export async function visit(
  browser: Browser,
  url: string,
  screenshotName: string,
  readySelector = '[data-testid="data-banner"]',
): Promise<PageVisit> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const origin = new URL(url).origin;
  const result: PageVisit = { page, consoleErrors: [], failedRequests: [], foreignRequests: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') result.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => result.consoleErrors.push(`uncaught: ${error.message}`));
  page.on('request', (request) => {
    result.requests.push(request.url());
    if (!request.url().startsWith('data:') && new URL(request.url()).origin !== origin)
      result.foreignRequests.push(request.url());
  });
  page.on('requestfailed', (request) => result.failedRequests.push(`${request.url()} ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400) result.failedRequests.push(`${response.url()} HTTP ${response.status()}`);
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  // Framework renders cells after load; an observablehq--error node marks a cell that threw.
  await page.waitForSelector(readySelector, { timeout: 15_000 });
  await page.waitForTimeout(300);
  const cellErrors = await page.locator('.observablehq--error').allTextContents();
  result.consoleErrors.push(...cellErrors.map((text) => `cell error: ${text}`));
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${screenshotName}.png`), fullPage: true });
  return result;
}

export async function textOf(page: Page, testid: string): Promise<string> {
  return ((await page.getByTestId(testid).first().textContent()) ?? '').trim();
}

/** "1,234" → 1234, "$1,234.50" → 1234.5 */
export function numberIn(text: string): number {
  return Number(text.replace(/[^0-9.-]/g, ''));
}
