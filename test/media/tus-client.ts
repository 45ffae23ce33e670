import { expect } from 'chai';
import { csrfFrom, type Agent } from '../support/http.js';

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
