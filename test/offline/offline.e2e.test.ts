import { expect } from 'chai';
import dayjs from 'dayjs';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { localToday, type MeetingRow } from '../../src/meetings/meeting.js';
import { testDb } from '../support/database.js';
import { countSteps, DESKTOP, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';
import { sadiolaEnrolments } from '../meetings/fixtures.js';

/** The paths kept in this phone's caches of personal pages (every `tremplin-pages-*`), by cache. */
const keptPages = (page: Page): Promise<Record<string, string[]>> =>
  page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      if (!name.startsWith('tremplin-pages-')) continue;
      out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
    }
    return out;
  });

/** Waits until the phone keeps `path` for reading without network. */
async function untilKept(page: Page, path: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (Object.values(await keptPages(page)).some((paths) => paths.includes(path))) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`${path} was never kept on the phone`);
}

/**
 * The service worker controls the page (it does from the first page after sign-in's, once installed). An
 * install whose precache lost a request (a loaded machine) is given up by the browser until a page registers
 * it again: the next page a person opens does; here, the same page loaded again.
 */
async function untilControlled(page: Page): Promise<void> {
  const controlled = (timeout: number) => page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout });
  try {
    await controlled(15_000);
  } catch {
    // Said, so that a run where it happened shows what state the worker was in.
    console.log('      the service worker did not control the page in 15 s; loaded again. Registrations:', await page.evaluate(async () => JSON.stringify((await navigator.serviceWorker.getRegistrations()).map((r) => [r.active?.state, r.installing?.state, r.waiting?.state]))));
    await page.reload();
    await controlled(30_000);
  }
}

describe('without network', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  let meeting: MeetingRow;
  let enrolments: Record<string, number>;
  const session = useBrowserSession((demo) => {
    ids = demo;
  });

  // Today's session of Sadiola, its register not taken: the one a worker takes in a room without network.
  let pastStart: string;
  beforeEach(async () => {
    const past = (await testDb()('meetings').where({ group_id: ids.groups.sadiola }).where('starts_at', '<', localToday()).orderBy('starts_at')).at(-1)!;
    pastStart = past.starts_at;
    await testDb()('attendance').where({ meeting_id: past.id }).del();
    await testDb()('meetings').where({ id: past.id }).update({ starts_at: `${localToday()}T00:05`, register_taken_at: null });
    meeting = (await testDb()('meetings').where({ id: past.id }).first())!;
    enrolments = await sadiolaEnrolments(ids);
  });

  // Back in the past, so that each test finds the same session: the group has only so many.
  afterEach(async () => {
    await testDb()('meetings').where({ id: meeting.id }).update({ starts_at: pastStart });
  });

  const sessionsPath = () => `/groups/${ids.groups.sadiola}/meetings`;
  const registerPath = () => `/groups/${ids.groups.sadiola}/meetings/${meeting.id}`;
  const rows = () => testDb()('attendance').where({ meeting_id: meeting.id }).select('enrolment_id', 'status', 'recorded_at');
  const rayan = 'Rayan';

  /** Someone signs in on a phone and opens `open` online, after which the phone keeps `kept`. */
  async function keptOnPhone(login: string, open: string, kept: string): Promise<{ page: Page; context: BrowserContext }> {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, login);
    await untilControlled(page);
    await page.goto(session.url(open));
    await untilKept(page, kept);
    return { page, context: page.context() };
  }
  /** The worker opened the group's sessions page online: today's register is kept. */
  const workerWithKeptRegister = () => keptOnPhone(DEMO_ACCOUNTS.karim.email, sessionsPath(), registerPath());
  const sheetPath = () => `/groups/${ids.groups.maroc}/stay/sheet`;
  /** The lead of the group abroad opened its emergency sheet online. */
  const leadWithKeptSheet = () => keptOnPhone(DEMO_ACCOUNTS.elodie.email, sheetPath(), sheetPath());

  /** Rayan's line of the register: the worker taps one of its answers. */
  const rayanLine = (page: Page) => page.getByRole('group', { name: /Rayan/ });

  /** Without network, the worker opens the kept register, marks Rayan `status` and saves: it waits on the phone. */
  async function registerTakenOffline(status: 'late' | 'absent'): Promise<{ page: Page; context: BrowserContext }> {
    const kept = await workerWithKeptRegister();
    await kept.context.setOffline(true);
    await kept.page.goto(session.url(registerPath()));
    await rayanLine(kept.page).locator(`label.att-${status}`).click();
    await kept.page.getByRole('button', { name: 'Enregistrer l’appel' }).click();
    await kept.page.getByText('En attente d’envoi (1)').waitFor();
    return kept;
  }

  it('takes a register with the network off, shows it waiting, and records it once when the network is back', async () => {
    const { page, context } = await workerWithKeptRegister();
    await page.goto(session.url(registerPath()));
    await context.setOffline(true);
    // Counted from opening the register (from the phone's copy) to its page after saving.
    const steps = await countSteps(page);
    await page.reload();
    await page.getByRole('heading', { name: 'Appel' }).waitFor();
    const lines = await page.locator('.register-row').count();
    await rayanLine(page).locator('label.att-late').click();
    await page.getByRole('button', { name: 'Enregistrer l’appel' }).click();
    await page.getByText('En attente d’envoi (1)').waitFor();
    await page.waitForLoadState('load');
    const offlineSteps = steps();
    expect(await rayanLine(page).locator('input[value="late"]').isChecked(), 'the register as taken, not as kept').to.equal(true);
    expect(await seen(page)).to.include('Pas de réseau');
    expect(await rows(), 'nothing reached the server').to.have.length(0);
    await screenshot(page, 'phone-register-waiting-offline');

    await context.setOffline(false);
    await page.getByText('En attente d’envoi').waitFor({ state: 'detached' });
    expect(steps(), 'sending when the network is back: nothing to do').to.deep.equal(offlineSteps);
    expect(await page.locator('#offline-banner').isHidden()).to.equal(true);
    const recorded = await rows();
    expect(recorded).to.have.length(lines);
    expect(new Set(recorded.map((r) => r.recorded_at)).size, 'one save').to.equal(1);
    expect(recorded.find((r) => r.enrolment_id === enrolments[rayan])!.status).to.equal('late');
    expect(recorded.filter((r) => r.status === 'present')).to.have.length(lines - 1);
    expect((await testDb()('meetings').where({ id: meeting.id }).first()).register_taken_at).to.equal(recorded[0]!.recorded_at);
    // Going offline and online again sends nothing more: the queue is empty.
    await context.setOffline(true);
    await context.setOffline(false);
    await page.waitForTimeout(500);
    expect(new Set((await rows()).map((r) => r.recorded_at)).size).to.equal(1);
    // Offline, the tap and the page: as online (below), and nothing to do when the network is back.
    expect(offlineSteps).to.deep.equal({ taps: 2, fields: 1, pageLoads: 2 });

    // The same register online, for comparison: the same taps and page loads.
    const before = steps();
    await page.goto(session.url(registerPath()));
    await rayanLine(page).locator('label.att-excused').click();
    await page.getByRole('button', { name: 'Enregistrer l’appel' }).click();
    await page.getByText('Appel enregistré.').waitFor();
    await page.waitForLoadState('load');
    const after = steps();
    expect({ taps: after.taps - before.taps, fields: after.fields - before.fields, pageLoads: after.pageLoads - before.pageLoads }).to.deep.equal({ taps: 2, fields: 1, pageLoads: 2 });
  });

  it('keeps the register of a session still to come with its form, which the phone shows on the session’s day', async () => {
    // The worker opens the sessions page online the day before; on the day, in the room, there is no network.
    const today = localToday();
    const tomorrow = dayjs(today).add(1, 'day').format('YYYY-MM-DD');
    await testDb()('meetings').where({ id: meeting.id }).update({ starts_at: `${tomorrow}T18:00` });
    const { page, context } = await workerWithKeptRegister();
    await context.setOffline(true);
    await page.goto(session.url(registerPath()));
    expect(await seen(page)).to.include('L’appel se fait le jour de la séance.');
    expect(await page.locator('form.register').isVisible(), 'no register before its day').to.equal(false);

    // The session's day, on the phone's calendar: the copy kept yesterday is the one it opens.
    await page.clock.setFixedTime(new Date(`${tomorrow}T18:05:00`));
    const steps = await countSteps(page);
    await page.reload();
    await page.getByRole('heading', { name: 'Appel' }).waitFor();
    await rayanLine(page).locator('label.att-late').click();
    await page.getByRole('button', { name: 'Enregistrer l’appel' }).click();
    await page.getByText('En attente d’envoi (1)').waitFor();
    await page.waitForLoadState('load');
    expect(steps(), 'as a register kept on its day').to.deep.equal({ taps: 2, fields: 1, pageLoads: 2 });
    expect(await seen(page)).not.to.include('L’appel se fait le jour de la séance.');
    await screenshot(page, 'phone-register-kept-ahead-offline');
    expect(await rows(), 'nothing reached the server').to.have.length(0);

    // The server's day is the session's too (its date moved to today, the server's clock being real).
    await testDb()('meetings').where({ id: meeting.id }).update({ starts_at: `${today}T18:00` });
    await context.setOffline(false);
    await page.getByText('En attente d’envoi').waitFor({ state: 'detached' });
    const recorded = await rows();
    expect(recorded.find((r) => r.enrolment_id === enrolments[rayan])?.status).to.equal('late');
    expect(new Set(recorded.map((r) => r.recorded_at)).size, 'one save').to.equal(1);
  });

  it('shows the conflict page when someone else took the register while this one waited, and applies mine only when asked', async () => {
    const { page, context } = await registerTakenOffline('absent');

    // Meanwhile, on the office computer, with network: Rayan late.
    const office = await session.open(DESKTOP);
    await signInThroughForm(office, session.url, DEMO_ACCOUNTS.karim.email);
    await office.goto(session.url(registerPath()));
    await rayanLine(office).locator('label.att-late').click();
    await office.getByRole('button', { name: 'Enregistrer l’appel' }).click();
    await office.getByText('Appel enregistré.').waitFor();
    await screenshot(office, 'desktop-register-office');

    await context.setOffline(false);
    await page.getByText('Un appel envoyé plus tard n’a pas été enregistré tel quel.').waitFor();
    const status = async () => (await rows()).find((r) => r.enrolment_id === enrolments[rayan])!.status;
    expect(await status(), 'theirs stays').to.equal('late');
    await page.locator('#offline-banner').getByRole('button', { name: 'Voir' }).click();
    await page.getByRole('heading', { name: 'Appel déjà fait par quelqu’un d’autre' }).waitFor();
    const text = await seen(page);
    expect(text).to.include('enregistré par Karim Benali').and.include('Le vôtre n’a pas été appliqué');
    expect(text).to.match(/Rayan \S+\s+En retard\s+Absent·e différent/);
    await screenshot(page, 'phone-register-conflict');
    expect(await status()).to.equal('late');
    await page.getByRole('button', { name: 'Remplacer par mon appel' }).click();
    await page.getByText('Appel enregistré.').waitFor();
    expect(await status()).to.equal('absent');
    expect(await page.locator('#offline-banner').isHidden(), 'nothing left waiting').to.equal(true);
  });

  it('keeps a register sent after the session ended, asks to sign in again, and sends it once signed in', async () => {
    const { page, context } = await registerTakenOffline('late');
    // The session ends on the server while the phone is away (idle too long, say).
    await testDb()('sessions').del();
    await context.setOffline(false);
    await page.getByText('Reconnectez-vous pour envoyer ce qui attend sur ce téléphone (1).').waitFor();
    expect(await rows(), 'nothing recorded without a session').to.have.length(0);
    await page.reload();
    await page.waitForURL(/\/login$/);
    expect(await keptPages(page), 'a page answered to nobody drops the kept pages').to.deep.equal({});
    expect(await seen(page)).to.include('Reconnectez-vous pour envoyer ce qui attend sur ce téléphone (1).');
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    // The banner is hidden too before the page's script has read the queue: wait for the register itself.
    let recorded = await rows();
    for (let tries = 0; tries < 100 && !recorded.some((r) => r.enrolment_id === enrolments[rayan]); tries++) {
      await page.waitForTimeout(100);
      recorded = await rows();
    }
    expect(recorded.find((r) => r.enrolment_id === enrolments[rayan])?.status, 'sent once signed in').to.equal('late');
    await page.locator('#offline-banner').waitFor({ state: 'hidden' });
    expect(new Set(recorded.map((r) => r.recorded_at)).size).to.equal(1);
  });

  it('keeps the emergency sheet for the lead during the stay, readable offline, and wipes it at sign-out', async () => {
    const sheet = sheetPath();
    const { page } = await leadWithKeptSheet();
    await page.context().setOffline(true);
    await page.goto(session.url('/'));
    expect(await seen(page)).to.include('Pas de réseau');
    await page.getByRole('link', { name: /Fiche d’urgence — Maison de quartier au Maroc/ }).click();
    await page.getByRole('heading', { name: 'Fiche d’urgence', level: 1 }).waitFor();
    await screenshot(page, 'phone-emergency-sheet-offline');

    await page.context().setOffline(false);
    await page.goto(session.url('/groups'));
    await page.getByRole('button', { name: 'Sortir' }).click();
    await page.waitForURL(/\/login$/);
    expect(await keptPages(page), 'nothing kept after sign-out').to.deep.equal({});
    await page.context().setOffline(true);
    await page.goto(session.url(sheet));
    expect(await seen(page)).to.include('Pas de réseau').and.not.include('Fiche d’urgence');
  });

  it('drops a kept emergency sheet once its last day (the return) has passed', async () => {
    const sheet = sheetPath();
    const { page } = await leadWithKeptSheet();
    // The copy as it would be after the return: its last day yesterday.
    await page.evaluate(async (path) => {
      const name = (await caches.keys()).find((n) => n.startsWith('tremplin-pages-'))!;
      const cache = await caches.open(name);
      const copy = (await cache.match(path))!;
      const headers = new Headers(copy.headers);
      headers.set('X-Tremplin-Keep-Until', new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
      await cache.put(path, new Response(await copy.text(), { status: 200, headers }));
    }, sheet);
    await page.context().setOffline(true);
    await page.goto(session.url(sheet));
    expect(await seen(page)).to.include('Pas de réseau').and.not.include('Fiche d’urgence');
    expect(Object.values(await keptPages(page)).flat()).not.to.include(sheet);
  });

  it('keeps no personal page on a youth’s phone', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, 'ines.d');
    await untilControlled(page);
    for (const path of ['/me', `/groups/${ids.groups.sadiola}`, sessionsPath(), registerPath()]) {
      await page.goto(session.url(path));
      await page.waitForLoadState('load');
    }
    await page.waitForTimeout(500);
    expect(await keptPages(page)).to.deep.equal({});
    const everything = await page.evaluate(async () =>
      (await Promise.all((await caches.keys()).map(async (n) => (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname)))).flat());
    expect(everything.every((p) => p.startsWith('/assets/')), everything.join(' ')).to.equal(true);
  });
});
