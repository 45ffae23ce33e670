import http from 'node:http';
import { expect } from 'chai';
import { csrfFrom, type Agent } from '../support/http.js';
import { BrowserSession } from '../support/processes.js';

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

/** Creates an upload of `length` bytes for the group's media; the answer as it came. */
export function createUpload(agent: Agent, groupId: number, token: string, length: number, fields: Record<string, string>) {
  return agent.post(`/groups/${groupId}/media/tus`).set({ ...TUS, 'X-CSRF-Token': token, 'Upload-Length': String(length), 'Upload-Metadata': tusMetadata(fields) });
}

/** Sends `bytes` at `offset` to an upload. */
export function patchUpload(agent: Agent, location: string, token: string, offset: number, bytes: Buffer) {
  return agent.patch(location).set({ ...TUS, 'X-CSRF-Token': token, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' }).send(bytes);
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

  async create(base: string, groupId: number, length: number, fields: Record<string, string>): Promise<string> {
    const res = await fetch(`${base}/groups/${groupId}/media/tus`, {
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
