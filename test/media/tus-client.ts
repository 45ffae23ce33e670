import { createHash } from 'node:crypto';
import path from 'node:path';
import { expect } from 'chai';
import { csrfFrom, type Agent } from '../support/http.js';
import { testDatabase, testDb } from '../support/database.js';
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
