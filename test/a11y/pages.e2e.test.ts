import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContextOptions, Page, Response } from 'playwright-core';
import { ROOT } from '../../src/config.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { createAccount } from '../../src/users/user.js';
import { testDb } from '../support/database.js';
import { DESKTOP, PHONE, signInThroughForm, useBrowserSession } from '../support/browser.js';
import { recordsForEveryRoute } from '../permissions/fixtures.js';
import { ROLES, ROW_TABLES, resolvePath, type Who } from '../permissions/rows/index.js';

/**
 * Every page each role reaches passes axe-core (WCAG 2.1 A and AA) and the Nu HTML checker. The pages are
 * the routes the permission matrix opens to the role (200 for a page, 422 for a form sent empty: its error
 * re-render), filled with the Sadiola group's records, plus what the role reaches by following links from
 * its home page (its other groups, at other phases). axe runs in the page as rendered; the HTML the server
 * sent is checked by vnu.jar once for all pages, as one Java start costs more than all the checks.
 */

const AXE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const VNU = path.join(ROOT, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const MATRIX: Record<string, readonly number[]> = Object.assign({}, ...ROW_TABLES);
/** Routes that answer with a file, not a page. */
// The service worker's script (/sw.js) is no page either.
const NOT_A_PAGE = /\.(csv|xlsx|pdf|ics)$|\/(file|thumbnail|scan|logo)$|^\/(healthz|sw\.js)$/;
/** Enough pages of links followed per role to reach each of its groups' pages once. */
const CRAWL_LIMIT = 70;
/** The dashboards filtered, and refused a filter (dates the wrong way round): their 422 page with its message. */
const FILTERED: Record<string, string[]> = {
  '/reports': ['?country=ML', '?from=2026-06-01&to=2026-01-01'],
  '/network': ['?country=ML', '?from=2026-06-01&to=2026-01-01'],
};

const PEOPLE: [who: Who, login: string | null][] = [
  ['anonymous', null],
  ['youth', 'ines.d'],
  ['worker', DEMO_ACCOUNTS.karim.email],
  ['otherWorker', DEMO_ACCOUNTS.elodie.email],
  ['director', DEMO_ACCOUNTS.director.email],
  ['admin', DEMO_ACCOUNTS.admin.email],
  ['coordinator', DEMO_ACCOUNTS.coordinator.email],
  ['platformAdmin', DEMO_ACCOUNTS.platform.email],
];
const SCREENS: [name: string, options: BrowserContextOptions][] = [['360 px', PHONE], ['desktop', DESKTOP]];

interface Checked {
  /** Who saw it, on which screen, at which address: how a failure names the page. */
  label: string;
  html: string;
}

/** One element axe finds at fault: page, rule and the element, as a failure lists them. */
type AxeError = string;

describe('accessibility: every page each role reaches', function () {
  this.timeout(900_000);
  let ids: DemoIds;
  let targetUserId: number;
  const session = useBrowserSession((demo) => {
    ids = demo;
  });
  const checked: Checked[] = [];

  before(async () => {
    // The records the matrix's routes name (a co-lead, a funder, events, follow-ups, a photo), and an
    // account for the admin's one-time code page.
    await recordsForEveryRoute(testDb(), ids.groups.sadiola, ids.youthUsers['ines.d']!);
    targetUserId = (await createAccount(testDb(), { role: 'youth', displayName: 'Cible Accessibilité' }, { structureId: ids.structures['Mission locale du Douaisis']! })).id;
  });

  /** The matrix's pages and forms for one role, as concrete paths. */
  async function matrixPaths(who: Who): Promise<{ pages: string[]; forms: string[] }> {
    const i = ROLES.indexOf(who);
    const pages: string[] = [];
    const forms: string[] = [];
    const refusals = new Set<number>();
    for (const [route, expected] of Object.entries(MATRIX)) {
      const [method, pattern] = route.split(' ') as [string, string];
      if (NOT_A_PAGE.test(pattern)) continue;
      if (method === 'GET' && expected[i] === 200) {
        const page = await resolvePath(testDb(), pattern, { ids, targetUserId });
        pages.push(page, ...(FILTERED[page] ?? []).map((query) => page + query));
      }
      // The refusals a person meets: the 403 and 404 pages.
      if (method === 'GET' && (expected[i] === 403 || expected[i] === 404) && !refusals.has(expected[i]!)) {
        refusals.add(expected[i]!);
        pages.push(await resolvePath(testDb(), pattern, { ids, targetUserId }));
      }
      if (method === 'POST' && expected[i] === 422) forms.push(await resolvePath(testDb(), pattern, { ids, targetUserId }));
    }
    return { pages, forms };
  }

  /** Runs axe on the page as shown and keeps the HTML the server sent for vnu; false when it was no page. */
  async function check(page: Page, label: string, response: Response | null, errors: AxeError[]): Promise<boolean> {
    if (!response || !(response.headers()['content-type'] ?? '').startsWith('text/html')) return false;
    checked.push({ label, html: await response.text() });
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async (tags) => {
      const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[]; html: string }[] }[] }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
      return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 100)}`) }));
    }, WCAG);
    for (const v of violations) for (const node of v.nodes) errors.push(`${label}: ${v.id} (${v.help}) at ${node}`);
    return true;
  }

  /** The same-origin page links of the current page, without the fragment. */
  async function linksOf(page: Page, origin: string): Promise<string[]> {
    const hrefs = await page.$$eval('a[href]:not([download])', (as) => as.map((a) => (a as HTMLAnchorElement).href));
    return hrefs.map((h) => new URL(h)).filter((u) => u.origin === origin && !NOT_A_PAGE.test(u.pathname)).map((u) => u.pathname + u.search);
  }

  /**
   * The same page for another record is the same template: one visit per group and shape of address
   * (numbers after the group's own stand for any record), so each group is seen at its own phase.
   */
  function shapeOf(address: string): string {
    const u = new URL(address, 'http://x');
    let first = true;
    const shape = u.pathname.replace(/\/\d+/g, (m) => {
      if (first) {
        first = false;
        return m;
      }
      return '/#';
    });
    return `${shape}?${[...u.searchParams.keys()].sort().join('&')}`;
  }

  /** Sends a form empty, as someone pressing its button too soon: the page comes back with its messages. */
  async function sendEmpty(page: Page, action: string): Promise<Response> {
    const navigation = page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST');
    await page.evaluate((to) => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = to;
      const token = document.createElement('input');
      token.type = 'hidden';
      token.name = '_csrf';
      token.value = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
      form.append(token);
      document.body.append(form);
      form.submit();
    }, action);
    const response = await navigation;
    await page.waitForLoadState('load');
    return response;
  }

  async function walk(who: Who, login: string | null, screen: string, options: BrowserContextOptions): Promise<{ pages: number; errors: AxeError[] }> {
    // axe is injected as a script of the page: the app's Content-Security-Policy would block it.
    const page = await session.open({ ...options, bypassCSP: true });
    const origin = new URL(session.url('/')).origin;
    const errors: AxeError[] = [];
    const label = (address: string) => `${who} ${screen} ${address}`;
    if (login) await signInThroughForm(page, session.url, login);
    const { pages, forms } = await matrixPaths(who);
    const seenAddresses = new Set<string>();
    const seenShapes = new Set<string>();
    let count = 0;
    const visit = async (address: string): Promise<boolean> => {
      if (seenAddresses.has(address)) return false;
      seenAddresses.add(address);
      seenShapes.add(shapeOf(address));
      const ok = await check(page, label(address), await page.goto(session.url(address)), errors);
      if (ok) count += 1;
      return ok;
    };
    for (const address of pages) await visit(address);
    // From home, the links a person would follow, breadth first.
    const queue = [login ? '/' : '/login'];
    let followed = 0;
    while (queue.length && followed < CRAWL_LIMIT) {
      const address = queue.shift()!;
      // The home page is checked already as one of the matrix's: only its links are read.
      if (seenAddresses.has(address)) await page.goto(session.url(address));
      else if (!(await visit(address))) continue;
      followed += 1;
      for (const link of await linksOf(page, origin)) {
        if (seenAddresses.has(link) || seenShapes.has(shapeOf(link))) continue;
        seenShapes.add(shapeOf(link));
        queue.push(link);
      }
    }
    for (const action of forms) {
      if (!page.url().startsWith(origin)) await page.goto(session.url(login ? '/' : '/login'));
      if (await check(page, label(`POST ${action} (sent empty)`), await sendEmpty(page, action), errors)) count += 1;
    }
    return { pages: count, errors };
  }

  for (const [screen, options] of SCREENS) {
    for (const [who, login] of PEOPLE) {
      it(`${who} on ${screen}: no axe-core violation (WCAG 2.1 A, AA) on any page`, async () => {
        const { pages, errors } = await walk(who, login, screen, options);
        expect(pages, 'pages checked').to.be.greaterThan(0);
        expect(errors.length, `${errors.length} axe-core violations on ${pages} pages:\n${errors.join('\n')}`).to.equal(0);
      });
    }
  }

  // The certificate's form is a youth's back home (Sadiola, the matrix's group, is still in preparation):
  // Lucas, back from Bafou, opens it, sends it empty, then with his words; Élodie, his lead, reads it.
  for (const [screen, options] of SCREENS) {
    it(`the certificate on ${screen}, written by a youth back home and read by their lead: no axe-core violation`, async () => {
      const page = await session.open({ ...options, bypassCSP: true });
      const errors: AxeError[] = [];
      const lucas = await testDb()('enrolments').join('youths', 'youths.id', 'enrolments.youth_id').where({ 'enrolments.group_id': ids.groups.bafou, 'youths.first_name': 'Lucas' }).first('enrolments.id');
      const address = `/groups/${ids.groups.bafou}/youths/${lucas.id}/certificate`;
      await signInThroughForm(page, session.url, 'lucas.v');
      expect(await check(page, `youth ${screen} ${address}`, await page.goto(session.url(address)), errors)).to.equal(true);
      expect(await check(page, `youth ${screen} POST ${address} (sent empty)`, await sendEmpty(page, address), errors)).to.equal(true);
      await page.getByLabel('Parler une autre langue', { exact: true }).check();
      await page.getByLabel('En quelques mots, ce que ce projet m’a apporté').fill('J’ai appris à oser parler.');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.waitForURL((u) => u.hash === '#preview');
      expect(await check(page, `youth ${screen} ${address} (saved)`, await page.reload(), errors)).to.equal(true);
      const lead = await session.open({ ...options, bypassCSP: true });
      await signInThroughForm(lead, session.url, DEMO_ACCOUNTS.elodie.email);
      for (const seenByLead of [`/groups/${ids.groups.bafou}/certificates`, address]) {
        expect(await check(lead, `lead ${screen} ${seenByLead}`, await lead.goto(session.url(seenByLead)), errors)).to.equal(true);
      }
      expect(errors.length, `${errors.length} axe-core violations:\n${errors.join('\n')}`).to.equal(0);
    });
  }

  it('the HTML of every page checked is valid for the Nu HTML checker', () => {
    expect(checked.length, 'pages saved by the tests above (run the whole file)').to.be.greaterThan(0);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tremplin-vnu-'));
    try {
      const files = checked.map((c, i) => {
        const file = path.join(dir, `${String(i).padStart(4, '0')}.html`);
        writeFileSync(file, c.html);
        return file;
      });
      const run = spawnSync('java', ['-jar', VNU, '--errors-only', '--format', 'json', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (run.error) throw new Error(`could not run the Nu HTML checker (java is installed by npm run test:deps): ${run.error.message}`);
      // vnu writes its report on stderr, and exits 1 when it found errors.
      const report = JSON.parse(run.stderr) as { messages: { type: string; url: string; lastLine?: number; message: string; extract?: string }[] };
      const errors = report.messages
        .filter((m) => m.type === 'error' || m.type === 'non-document-error')
        .map((m) => `${checked[Number(path.basename(m.url, '.html'))]?.label ?? m.url} line ${m.lastLine}: ${m.message} at ${(m.extract ?? '').replace(/\s+/g, ' ')}`);
      expect(errors.length, `${errors.length} Nu HTML checker errors on ${checked.length} pages:\n${errors.join('\n')}`).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
