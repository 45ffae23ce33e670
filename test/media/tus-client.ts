import { createHash } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'chai';
import { csrfFrom, type Agent } from '../support/http.js';
import { testDatabase, testDb } from '../support/database.js';
import { BrowserSession } from '../support/processes.js';
import { listFiles } from './fixtures.js';

/** What a tus client sends with every request: the protocol's version and, to change anything, the CSRF token. */
export const TUS = { 'Tus-Resumable': '1.0.0' };

/** The tus metadata header: `key base64(value)` pairs, as tus-js-client writes it. */
export function tusMetadata(fields: Record<string, string>): string {
  return Object.entries(fields).map(([k, v]) => `${k} ${Buffer.from(v, 'utf8').toString('base64')}`).join(',');
}

/** The CSRF token of the upload page, as the page's script reads it. */
export async function pageToken(agent: Agent, groupId: number): Promise<string> {
  const page = await agent.get(`/groups/${groupId}/media/new`);
  expect(page.status).to.equal(200);
  return csrfFrom(page.text);
}

/** Creates an upload of `length` bytes at a purpose's endpoint (its POST path); the answer as it came. */
export function createUploadAt(agent: Agent, endpoint: string, token: string, length: number, fields: Record<string, string>) {
  return agent.post(endpoint).set({ ...TUS, 'X-CSRF-Token': token, 'Upload-Length': String(length), 'Upload-Metadata': tusMetadata(fields) });
}

/** Creates an upload of `length` bytes for the group's media; the answer as it came. */
export function createUpload(agent: Agent, groupId: number, token: string, length: number, fields: Record<string, string>) {
  return createUploadAt(agent, `/groups/${groupId}/media/tus`, token, length, fields);
}

/** Sends `bytes` at `offset` to an upload. */
export function patchUpload(agent: Agent, location: string, token: string, offset: number, bytes: Buffer) {
  return agent.patch(location).set({ ...TUS, 'X-CSRF-Token': token, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' }).send(bytes);
}

/** What the partial uploads' folder holds (UPLOAD_DIR/tus): partial files and their `.json`. */
export const tusFiles = (): string[] => listFiles(path.join(testDatabase().config.uploadDir, 'tus'));

/** The uploads under way, whatever they are for. */
export const pendingUploads = async (): Promise<number> => Number((await testDb()('resumable_uploads').count('* as n'))[0]!.n);

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Asks where an upload stands (HEAD) and expects `offset` of `length` bytes on the server. */
export async function expectStandsAt(agent: Agent, location: string, offset: number, length: number): Promise<void> {
  const head = await agent.head(location).set(TUS);
  expect(head.status).to.equal(200);
  expect([head.headers['upload-offset'], head.headers['upload-length']]).to.deep.equal([String(offset), String(length)]);
}

/** The same requests, to a server in another process (or several), as a signed-in browser's tus-js-client sends them. */
export class RemoteTus {
  constructor(private readonly session: BrowserSession, private readonly token: string) {}

  /** Signs in on `base` and reads the upload page's token; the session then works on every instance of the database. */
  static async signedIn(base: string, login: string, password: string, groupId: number): Promise<RemoteTus> {
    const session = new BrowserSession(base);
    await session.signIn(login, password);
    const { token } = await session.get(`/groups/${groupId}/media/new`);
    return new RemoteTus(session, token!);
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...TUS, 'X-CSRF-Token': this.token, cookie: this.session.header(), ...extra };
  }

  create(base: string, groupId: number, length: number, fields: Record<string, string>): Promise<string> {
    return this.createAt(base, `/groups/${groupId}/media/tus`, length, fields);
  }

  /** Creates an upload at any purpose's endpoint (a paper's scan: `/groups/5/youths/9/documents/passport_or_id/tus`). */
  async createAt(base: string, endpoint: string, length: number, fields: Record<string, string>): Promise<string> {
    const res = await fetch(`${base}${endpoint}`, {
      method: 'POST', headers: this.headers({ 'Upload-Length': String(length), 'Upload-Metadata': tusMetadata(fields) }),
    });
    expect(res.status, await res.text()).to.equal(201);
    return res.headers.get('location')!;
  }

  async head(base: string, location: string): Promise<{ status: number; offset: number; location: string | null }> {
    const res = await fetch(`${base}${location}`, { method: 'HEAD', headers: this.headers() });
    return { status: res.status, offset: Number(res.headers.get('upload-offset')), location: res.headers.get('x-tremplin-location') };
  }

  async patch(base: string, location: string, offset: number, bytes: Buffer): Promise<{ status: number; offset: number; location: string | null; text: string }> {
    const res = await fetch(`${base}${location}`, {
      method: 'PATCH', headers: this.headers({ 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' }), body: new Uint8Array(bytes),
    });
    return { status: res.status, offset: Number(res.headers.get('upload-offset')), location: res.headers.get('x-tremplin-location'), text: await res.text() };
  }

  /**
   * A PATCH whose body goes at `bytesPerSecond` (a phone on a slow line), through node:http so that it can be
   * cut: resolves with the status, or the error's code when the server goes away.
   */
  slowPatch(base: string, location: string, offset: number, bytes: Buffer, bytesPerSecond: number): { done: Promise<string>; abort: () => void } {
    const url = new URL(`${base}${location}`);
    const req = http.request({
      host: url.hostname, port: url.port, method: 'PATCH', path: url.pathname,
      headers: this.headers({ 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(bytes.length) }),
    });
    const done = new Promise<string>((resolve) => {
      req.on('response', (res) => {
        res.resume();
        resolve(String(res.statusCode));
      });
      req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? 'error'));
    });
    const piece = 64 * 1024;
    const everyMs = Math.max(1, Math.round((piece * 1000) / bytesPerSecond));
    let sent = 0;
    const timer = setInterval(() => {
      if (req.destroyed || sent >= bytes.length) return void clearInterval(timer);
      req.write(bytes.subarray(sent, sent + piece));
      sent += piece;
      if (sent >= bytes.length) req.end();
    }, everyMs);
    void done.finally(() => clearInterval(timer));
    return { done, abort: () => req.destroy() };
  }
}
