import http from 'node:http';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { ROOT } from '../../src/config.js';
import { createApp } from '../../src/app.js';
import { expect } from 'chai';
import { DEMO_PASSWORD, type DemoIds } from '../../src/demo/demo-data.js';
import { resetToDemo, testDatabase } from './database.js';
import { onFreePort } from './http.js';

/**
 * What the end-to-end tests need: the real app listening on a free port of the loopback interface, on the
 * test database, and Debian's Chromium driven by playwright-core. No browser is ever downloaded: without
 * /usr/bin/chromium the tests fail and say how to install it.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');

/** A small Android phone held upright, the screen most youths will use. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
/** The youth worker's office computer. */
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };

export interface RunningApp {
  baseUrl: string;
  /** What the app logged as server errors (500s and the like) while the tests ran. */
  serverErrors: string[];
  close(): Promise<void>;
}

export async function startApp(): Promise<RunningApp> {
  const t = testDatabase();
  const serverErrors: string[] = [];
  // The port is known only once listening, and the app builds its absolute links from PUBLIC_URL.
  const server = http.createServer();
  const { baseUrl, close } = await onFreePort(server);
  const app = createApp({
    config: { ...t.config, publicUrl: baseUrl },
    db: t.db,
    log: (msg, err) => serverErrors.push(`${msg} ${err instanceof Error ? err.stack : String(err ?? '')}`),
  });
  server.on('request', app);
  return { baseUrl, serverErrors, close };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the end-to-end tests need Debian's chromium package ` +
        '(run `npm run test:deps`, or `apt-get install chromium`). Never `npx playwright install`.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic',
    ],
  });
}

/** A full-page screenshot in test/artifacts/<name>.png, for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** A page in a fresh browser context (its own cookies: another person, another phone), watched for errors. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** What the page reported as broken; a test ends by checking this is empty. */
  problems: string[];
}

/**
 * Opens a page that collects what it reports as broken: console errors (a blocked style or script, a
 * missing asset, a Content-Security-Policy violation) and uncaught exceptions.
 */
export async function openPage(browser: Browser, options: BrowserContextOptions): Promise<WatchedPage> {
  const context = await browser.newContext({ ...options, locale: 'fr-FR' });
  // Chromium logs CSP violations to the console already; this reports any it would not.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  const page = await context.newPage();
  const problems: string[] = [];
  // A form answered with 401 or 422 is the page the person is meant to see (with its message): Chromium
  // logs that status as a failed load, which is not a problem. A failed style sheet, icon or script is.
  const documents = new Set<string>();
  page.on('response', (r) => {
    if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) documents.add(r.url());
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text()) && documents.has(msg.location().url.split('#')[0]!)) return;
    problems.push(`console error on ${page.url()}: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error on ${page.url()}: ${err.message}`));
  return { context, page, problems };
}

/** A page's horizontal overflow: content wider than the screen means sideways scrolling on a phone. */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

export interface BrowserSession {
  /** The running app's address for a path. */
  url(path: string): string;
  /** A new watched page (its own browser context) of the given size. */
  open(options: BrowserContextOptions): Promise<Page>;
  /**
   * For the current test only: what the pages report that matches `pattern` is what the test provokes (a
   * refused upload, a cut connection), not breakage; with `count`, exactly that many must be reported.
   */
  expectProblems(pattern: RegExp, count?: number): void;
}

/**
 * The hooks every browser test needs, for the `describe` it is called in: the demo data, a browser and the
 * app on a port; after each test, the pages and the server must have reported no error (a failed test
 * leaves a screenshot of each of its pages in test/artifacts/, to see why).
 */
export function useBrowserSession(onReset?: (ids: DemoIds) => void): BrowserSession {
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  let opened: WatchedPage[] = [];
  let expected: { pattern: RegExp; count?: number }[] = [];
  before(async function () {
    this.timeout(120_000);
    const ids = await resetToDemo();
    onReset?.(ids);
    browser = await launchBrowser();
    app = await startApp();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });
  afterEach(async function () {
    let problems = opened.flatMap((w) => w.problems);
    const provoked = expected.map(({ pattern, count }) => {
      const matching = problems.filter((p) => pattern.test(p));
      problems = problems.filter((p) => !pattern.test(p));
      return { pattern, count, seen: matching.length };
    });
    if (this.currentTest?.state === 'failed') {
      const name = this.currentTest.title.replace(/[^\p{L}\d]+/gu, '-').slice(0, 60);
      for (const [i, w] of opened.entries()) await screenshot(w.page, `failed-${name}-${i}`).catch(() => undefined);
    }
    await Promise.all(opened.map((w) => w.context.close()));
    opened = [];
    expected = [];
    if (this.currentTest?.state === 'passed') {
      for (const { pattern, count, seen } of provoked) if (count !== undefined) expect(seen, `problems provoked (${pattern})`).to.equal(count);
      expect(problems, 'errors reported by the pages').to.deep.equal([]);
      expect(app!.serverErrors, 'errors logged by the server').to.deep.equal([]);
    }
  });
  return {
    url: (path) => `${app!.baseUrl}${path}`,
    open: async (options) => {
      const w = await openPage(browser!, options);
      opened.push(w);
      return w.page;
    },
    expectProblems: (pattern, count) => {
      expected.push({ pattern, count });
    },
  };
}

/** The text a person reads on the page (French typography's no-break spaces read as spaces). */
export async function seen(page: Page): Promise<string> {
  return (await page.locator('body').innerText()).replace(/\u00a0/g, ' ');
}

/** The two screens every journey is checked on. */
export const SIZES: [name: 'phone' | 'desktop', options: BrowserContextOptions][] = [['phone', PHONE], ['desktop', DESKTOP]];

/** Signs in through the real form, as a person types it, and waits until the sign-in page is left. */
export async function signInThroughForm(page: Page, url: (path: string) => string, login: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(url('/login'));
  await page.getByLabel('E-mail ou identifiant').fill(login);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Entrer' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** What a flow costs the person on the phone: each tap on the screen, each field they fill or choose, each page the phone loads. */
export interface Steps {
  taps: number;
  fields: number;
  pageLoads: number;
}

/**
 * Counts, from now on, what the person does on this page: taps (trusted clicks, as a finger makes them),
 * fields changed (a text typed or an option chosen: a native picker's own taps are not in the page) and
 * pages loaded (main-frame documents: a form answered with a redirect loads one page). A page's text can
 * show before its load event reaches the count: read the steps after waitForURL or waitForLoadState('load').
 */
export async function countSteps(page: Page): Promise<() => Steps> {
  const steps: Steps = { taps: 0, fields: 0, pageLoads: 0 };
  await page.exposeBinding('__tremplinStep', (_source, kind: 'tap' | 'field') => {
    if (kind === 'tap') steps.taps += 1;
    else steps.fields += 1;
  });
  await page.addInitScript(() => {
    const step = (window as unknown as { __tremplinStep: (kind: string) => void }).__tremplinStep;
    document.addEventListener('click', (e) => e.isTrusted && step('tap'), true);
    document.addEventListener('change', () => step('field'), true);
  });
  page.on('load', () => {
    steps.pageLoads += 1;
  });
  return () => ({ ...steps });
}
