import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import { expect } from 'chai';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { DEMO_PASSWORD, type DemoIds } from '../../src/demo/demo-data.js';
import { resetToDemo, testDatabase } from './database.js';
import { DEMO_LOGINS, type DemoPerson } from './accounts.js';

export type Agent = ReturnType<typeof request.agent>;

/** The real app on the test database; `env` overrides settings for one test (e.g. a low sign-in limit). */
export function buildApp(env: Record<string, string> = {}): Express {
  const t = testDatabase();
  const config = { ...t.config, ...(Object.keys(env).length ? pick(loadConfig({ NODE_ENV: 'test', ...env })) : {}) };
  return createApp({ config, db: t.db, log: () => undefined });
}

function pick(c: ReturnType<typeof loadConfig>) {
  return { signinMaxFailures: c.signinMaxFailures, trustProxy: c.trustProxy, secureCookies: c.secureCookies, limits: c.limits, publicUrl: c.publicUrl, timeouts: c.timeouts, parentLinkDays: c.parentLinkDays, resumableUploadHours: c.resumableUploadHours };
}

export interface Listening {
  port: number;
  baseUrl: string;
  /** Cuts the connections still open, then stops listening. */
  close(): Promise<void>;
}

/** Listens on a free port of the loopback interface, for tests that need a real socket. */
export async function onFreePort(server: http.Server): Promise<Listening> {
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The CSRF token a page carries, as a browser would read it from the form. */
export function csrfFrom(html: string): string {
  const m = /name="csrf-token" content="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}

export async function csrfToken(agent: Agent, path = '/login'): Promise<string> {
  // Following redirects lands a signed-in user on their home page, which carries a token too.
  const res = await agent.get(path).redirects(5);
  return csrfFrom(res.text);
}

/** Signs in through the real sign-in form, as a person would. */
export async function signIn(app: Express, login: string, password = DEMO_PASSWORD): Promise<Agent> {
  const agent = request.agent(app);
  const token = await csrfToken(agent);
  const res = await agent.post('/login').type('form').send({ _csrf: token, login, password });
  expect(res.status, `sign-in as ${login}: ${res.text.slice(0, 200)}`).to.equal(303);
  return agent;
}

/**
 * Where most page tests start: the demo data loaded afresh, the app on it, and the people named signed in
 * through the real form, one after the other: `({ ids, app, karim } = await appOnDemo('karim'))`.
 */
export async function appOnDemo<P extends DemoPerson>(...people: P[]): Promise<{ ids: DemoIds; app: Express } & Record<P, Agent>> {
  const ids = await resetToDemo();
  const app = buildApp();
  const agents = {} as Record<P, Agent>;
  for (const who of people) agents[who] = await signIn(app, DEMO_LOGINS[who]);
  return { ids, app, ...agents };
}

/** Posts a form with a valid CSRF token taken from a page the user can see; a list is a field sent several times (checkboxes). */
export async function postForm(agent: Agent, path: string, fields: Record<string, string | string[]> = {}, from = '/login') {
  const token = await csrfToken(agent, from);
  return agent.post(path).type('form').send({ _csrf: token, ...fields });
}

/** Text as the user reads it: tags removed, entities for the usual characters decoded, spaces folded. */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
