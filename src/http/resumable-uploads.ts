import type { IncomingMessage } from 'node:http';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Request as ExpressRequest, RequestHandler, Response as ExpressResponse, Router } from 'express';
import { Server, type Upload } from '@tus/server';
import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { notFound } from './errors.js';
import { HashingFileStore } from './hashing-file-store.js';
import { isRefusal, type Refusal } from './refusal.js';
import { allowSlowUpload } from './timeouts.js';
import { receivedFromDisk, type ReceivedFile } from './uploads.js';
import { DatabaseLocker, type UploadLockOptions } from './upload-locks.js';

/**
 * Resumable uploads (the tus protocol, https://tus.io): a phone sends a big video in as many requests as its
 * connection needs, each carrying on from where the server says the file stands, after a drop, a sleep or
 * the tab closed and opened again. `@tus/server` speaks the protocol, `@tus/file-store` keeps the partial
 * files under UPLOAD_DIR/tus (with a `.json` beside each: its size and metadata), never served.
 *
 * The app's rules hold as for a form's upload, before the library sees the request: the routes that call
 * `create` and `resume` have signed the user in, checked the CSRF token (a header, app.ts) and asked the
 * same permission question as the form's route; `resume` answers 404 for an upload that is not the user's
 * own for that group and purpose. The metadata (what the file is for: the form's fields) is checked when the
 * upload is created, before any byte is stored. When the last byte is in, `finish` runs the form's own final
 * step on the complete file (its type read from its bytes, SHA-256, ffprobe, thumbnail, consent, the row);
 * a partial file never becomes a medium. What is refused goes: the file, its `.json`, its row.
 *
 * Abandoned uploads expire `expiryHours` after they began and `sweep` removes them (server.ts, every
 * quarter of an hour). A killed process leaves only a partial file here, which its sender can resume or
 * the sweep will remove; the lock it held (upload-locks.ts) ends with its lease.
 */

/** What an upload is for, as the route that lets it in says: who sends it, where it goes, how it ends. */
export interface UploadPurpose {
  /** 'media': a youth's or worker's medium for the group; 'scan': a youth's paper. */
  name: string;
  user: Express.User;
  groupId: number;
  /**
   * What within the group the upload is for, when the route says more than the group (a paper: `<enrolment>/<kind>`):
   * an upload begun for one youth's passport does not carry on as another paper. None for the group's media.
   */
  target?: string;
  /** The largest file this purpose takes: a larger declared length is refused (413) before any byte. */
  maxBytes: number;
  /** Where its uploads live, without the id: `/groups/5/media/tus`. */
  basePath: string;
  /** The metadata the client sent, checked when the upload is created: throws a Refusal. */
  accept(metadata: Record<string, string>): void;
  /** The complete file, through the form's own final step (and its flash); returns where the browser goes next. */
  finish(file: ReceivedFile, metadata: Record<string, string>): Promise<string>;
  /** A refusal as the page's script shows it: the sentence the form would show on its field. */
  explain(refusal: Refusal): string;
}

interface InFlight {
  purpose: UploadPurpose;
  req: ExpressRequest;
  res: ExpressResponse;
  uploadId?: string;
}

export interface ResumableUploadsOptions {
  uploadDir: string;
  expiryHours: number;
  lock?: UploadLockOptions;
}

/** The header that tells the page where the finished upload went (the medium's page). */
export const FINISHED_LOCATION_HEADER = 'X-Tremplin-Location';
/** The header that names the form's field a refusal belongs on, for the page's script to show it there. */
export const REFUSED_FIELD_HEADER = 'X-Tremplin-Field';

export class ResumableUploads {
  readonly directory: string;
  private readonly store: HashingFileStore;
  private readonly server: Server;
  private readonly inFlight = new WeakMap<IncomingMessage, InFlight>();
  private readonly expiryMs: number;

  constructor(private readonly db: Db, opts: ResumableUploadsOptions) {
    this.directory = path.join(opts.uploadDir, 'tus');
    this.expiryMs = opts.expiryHours * 3600_000;
    this.store = new HashingFileStore({ directory: this.directory, expirationPeriodInMilliseconds: this.expiryMs });
    this.server = new Server({
      // Only a label here: the routes decide the paths, and each upload's URL is its purpose's.
      path: '/tus',
      datastore: this.store,
      locker: new DatabaseLocker(db, opts.lock),
      // Same origin only: no CORS header says otherwise.
      allowedOrigins: [],
      maxSize: (req) => this.of(req).purpose.maxBytes,
      generateUrl: (req, { id }) => `${this.of(req).purpose.basePath}/${id}`,
      getFileIdFromRequest: (req) => this.of(req).uploadId,
      onUploadCreate: (req, upload) => this.created(req, upload),
      onUploadFinish: (req, upload) => this.finished(req, upload),
    });
  }

  /**
   * The routes of one purpose's uploads: POST `path` creates one, HEAD/PATCH/DELETE `path/:uploadId` carry it on.
   * `purposeOf` is the route's own question (the record through the user's scope, the form's permission):
   * it throws (404, 403) before the library sees the request, or says what the upload is for.
   */
  mount(router: Router, path: string, guard: RequestHandler, purposeOf: (req: ExpressRequest, res: ExpressResponse) => Promise<UploadPurpose>): void {
    router.post(path, guard, async (req, res) => this.create(req, res, await purposeOf(req, res)));
    for (const method of ['head', 'patch', 'delete'] as const) {
      router[method](`${path}/:uploadId`, guard, async (req, res) => this.resume(req, res, await purposeOf(req, res), String(req.params.uploadId)));
    }
  }

  /** POST to the purpose's base path: a new upload, once its metadata is accepted. */
  async create(req: ExpressRequest, res: ExpressResponse, purpose: UploadPurpose): Promise<void> {
    this.inFlight.set(req, { purpose, req, res });
    await this.server.handle(req, res);
  }

  /** HEAD (where it stands), PATCH (more bytes), DELETE (given up) on one of the user's own uploads. */
  async resume(req: ExpressRequest, res: ExpressResponse, purpose: UploadPurpose, uploadId: string): Promise<void> {
    const row = await this.db('resumable_uploads')
      .where({ id: uploadId, user_id: purpose.user.id, group_id: purpose.groupId, purpose: purpose.name, target: purpose.target ?? null })
      .first('id');
    if (!row) throw notFound();
    // The route has let the sender in: a piece of a big video may take as long as a slow phone needs.
    if (req.method === 'PATCH') allowSlowUpload(req, purpose.maxBytes);
    this.inFlight.set(req, { purpose, req, res, uploadId });
    // The sender gives up (tus-js-client's abort with termination): the row first, then the library removes
    // the files (any it could not are the sweep's, as for a killed process).
    if (req.method === 'DELETE' && req.get('tus-resumable')) await this.forget(uploadId);
    await this.server.handle(req, res);
  }

  /**
   * Removes the uploads begun more than `expiryHours` ago and never finished (their files, `.json` and rows),
   * and any partial file of the folder past that age without a row (a process killed between the two).
   */
  async sweep(now = Date.now()): Promise<number> {
    const before = new Date(now - this.expiryMs).toISOString();
    const stale: { id: string }[] = await this.db('resumable_uploads').where('created_at', '<', before).select('id');
    for (const { id } of stale) {
      await this.removeFiles(id);
      await this.forget(id);
    }
    const leftovers = await this.store.deleteExpired().catch(() => 0);
    return stale.length + leftovers;
  }

  private of(req: Request): InFlight {
    const node = (req as Request & { runtime?: { node?: { req: IncomingMessage } } }).runtime?.node?.req;
    const found = node && this.inFlight.get(node);
    if (!found) throw new Error('a tus request that no route let in');
    return found;
  }

  private async created(req: Request, upload: Upload): Promise<{ metadata?: Record<string, string> }> {
    const { purpose, res } = this.of(req);
    try {
      purpose.accept(metadataOf(upload));
    } catch (err) {
      throw refused(err, purpose, res);
    }
    await this.db('resumable_uploads').insert({
      id: upload.id, user_id: purpose.user.id, group_id: purpose.groupId, purpose: purpose.name, target: purpose.target ?? null,
      declared_size: upload.size ?? null, created_at: nowIso(),
    });
    return {};
  }

  private async finished(req: Request, upload: Upload): Promise<{ headers: Record<string, string> }> {
    const { purpose, req: sent, res } = this.of(req);
    // A repeated last PATCH (a client that did not hear the first answer) must not make a second medium.
    const claimed = await this.db('resumable_uploads').where({ id: upload.id }).whereNull('finishing_at').update({ finishing_at: nowIso() });
    if (!toNumber(claimed)) throw { status_code: 409, body: 'This upload is being finished\n' };
    const metadata = metadataOf(upload);
    try {
      const file = await receivedFromDisk(path.join(this.directory, upload.id), metadata.filename);
      const location = await purpose.finish(file, metadata);
      // The flash `finish` left is stored before the answer: the page's script goes to `location` as soon as
      // it hears it (and express-session's own save while a web Response is streamed out cut the connection).
      await new Promise<void>((resolve, reject) => sent.session.save((err) => (err ? reject(err) : resolve())));
      return { headers: { [FINISHED_LOCATION_HEADER]: location } };
    } catch (err) {
      throw refused(err, purpose, res);
    } finally {
      // Kept or refused, the upload is over: the medium has its own file now, or there is none.
      await this.removeFiles(upload.id);
      await this.forget(upload.id);
    }
  }

  private async removeFiles(id: string): Promise<void> {
    await rm(path.join(this.directory, id), { force: true });
    await rm(path.join(this.directory, `${id}.json`), { force: true });
  }

  private async forget(id: string): Promise<void> {
    await this.db('upload_locks').where({ upload_id: id }).del();
    await this.db('resumable_uploads').where({ id }).del();
  }
}

/**
 * A refusal as the library answers it: its status, the sentence, and the field it belongs on (a header the
 * library's own answer keeps, as it writes over what the response already holds). Anything else is thrown on.
 */
function refused(err: unknown, purpose: UploadPurpose, res: ExpressResponse): unknown {
  if (!isRefusal(err)) return err;
  res.setHeader(REFUSED_FIELD_HEADER, err.field);
  return { status_code: err.status, body: `${purpose.explain(err)}\n` };
}

/** The client's metadata, every value a string (a key sent without a value is an empty one). */
function metadataOf(upload: Upload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(upload.metadata ?? {})) out[k] = v ?? '';
  return out;
}
