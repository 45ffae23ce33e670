import type { IncomingMessage } from 'node:http';
import { existsSync } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Request as ExpressRequest, RequestHandler, Response as ExpressResponse, Router } from 'express';
import { ERRORS, Server, type Upload } from '@tus/server';
import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { notFound } from './errors.js';
import { HashingFileStore } from './hashing-file-store.js';
import { isRefusal, Refusal } from './refusal.js';
import { allowSlowUpload } from './timeouts.js';
import { HEAD_BYTES, isDiskFull, receivedFromDisk, type ReceivedFile } from './uploads.js';
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
 * quarter of an hour). A process killed while bytes arrive leaves only a partial file here, which its
 * sender resumes from where the server says it stands or the sweep removes; the lock it held
 * (upload-locks.ts) ends with its lease. A full disk ends the upload with 507: its partial file goes, to
 * give the room back, and nothing is recorded.
 *
 * The finish is the one step that spans the disk and the database: the file moves to its place (under the
 * upload's own id in its purpose's area, `media/<year>/<id>.<ext>` or `documents/<year>/<id>.<ext>`, not a
 * random name), then its row is written. It runs under the upload's lock and says when it began
 * (`finishing_at`), so that a process killed in between leaves something the next one can read: the record
 * is there (done: the sender is told where it went), or it is not and the moved file goes back here and
 * what was made beside it (a thumbnail) away, to be finished again. That happens when the sender asks where
 * its upload stands (HEAD), which tus clients do after any failure, or at the next sweep (at start-up),
 * whichever comes first.
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
  /**
   * The file's first bytes (HEAD_BYTES), once the pieces already sent hold them: throws a Refusal when they
   * are no type this purpose takes, so that a 2 GB file that is no video is refused after its first piece
   * rather than once it is all on the server. The complete file is checked again by `finish`.
   */
  checkFirstBytes?(head: Buffer): Promise<void>;
  /** The complete file, through the form's own final step (and its flash); returns where the browser goes next. */
  finish(file: ReceivedFile, metadata: Record<string, string>): Promise<string>;
  /** A refusal as the page's script shows it: the sentence the form would show on its field. */
  explain(refusal: Refusal): string;
  /** The record an upload of this user's became (kept under the upload's id), if it did: where it is and its size. */
  finishedAs(uploadId: string): Promise<{ location: string; size: number } | undefined>;
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
  /**
   * The folder under UPLOAD_DIR where each purpose's finish keeps its file (`media: 'media'`, `scan: 'documents'`):
   * where a killed finish may have left one, asked by the sweep of an upload it knows only by its row.
   */
  areas: Record<string, string>;
  /** Whether a file kept under UPLOAD_DIR (its relative path, in any purpose's area) has its row: asked of a finish a killed process left. */
  isRecorded: (storedPath: string) => Promise<boolean>;
}

const TUS_VERSION = '1.0.0';

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
  private readonly locker: DatabaseLocker;

  constructor(private readonly db: Db, private readonly opts: ResumableUploadsOptions) {
    this.directory = path.join(opts.uploadDir, 'tus');
    this.expiryMs = opts.expiryHours * 3600_000;
    this.store = new HashingFileStore({ directory: this.directory, expirationPeriodInMilliseconds: this.expiryMs });
    this.locker = new DatabaseLocker(db, opts.lock);
    this.server = new Server({
      // Only a label here: the routes decide the paths, and each upload's URL is its purpose's.
      path: '/tus',
      datastore: this.store,
      locker: this.locker,
      // Same origin only: no CORS header says otherwise.
      allowedOrigins: [],
      maxSize: (req) => this.of(req).purpose.maxBytes,
      generateUrl: (req, { id }) => `${this.of(req).purpose.basePath}/${id}`,
      getFileIdFromRequest: (req) => this.of(req).uploadId,
      onUploadCreate: (req, upload) => this.created(req, upload),
      onUploadFinish: (req, upload) => this.finished(req, upload),
      onResponseError: (req, err) => this.failed(req, err),
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
    // Finished already, and its sender did not hear it (a dropped answer, a killed process): told again.
    if (req.method !== 'DELETE') {
      const done = await purpose.finishedAs(uploadId);
      if (done) {
        // Its record is written, so what a killed finish left of the upload (its row, its info file) can go.
        await this.removeFiles(uploadId);
        await this.forget(uploadId);
        return answerFinished(req, res, done);
      }
    }
    const row: { declared_size: number | string | null; finishing_at: string | null } | undefined = await this.db('resumable_uploads')
      .where({ id: uploadId, user_id: purpose.user.id, group_id: purpose.groupId, purpose: purpose.name, target: purpose.target ?? null })
      .first('declared_size', 'finishing_at');
    if (!row) throw notFound();
    // Complete, but not (or not yet) a record: its finish was cut off, or is under way elsewhere. Finished
    // now (after waiting for the one under way), and the sender is told where it went.
    if (req.method === 'HEAD' && (row.finishing_at || (await this.isComplete(uploadId, row.declared_size)))) {
      try {
        const location = await this.finish(purpose, uploadId, req, res);
        return answerFinished(req, res, { location, size: toNumber(row.declared_size) });
      } catch (err) {
        const { status_code, body } = err as { status_code?: number; body?: string };
        if (!status_code) throw err;
        return void res.status(status_code).set('Tus-Resumable', TUS_VERSION).type('text/plain').send(body);
      }
    }
    // The route has let the sender in: a piece of a big video may take as long as a slow phone needs —
    // a refused one too, which node reads to its end once answered, so that the sender hears the refusal.
    if (req.method === 'PATCH') allowSlowUpload(req, purpose.maxBytes);
    if (req.method === 'PATCH' && purpose.checkFirstBytes && Number(req.get('upload-offset')) >= HEAD_BYTES) {
      const refusal = await this.refusedByFirstBytes(purpose, uploadId, res);
      if (refusal) return void res.status(refusal.status_code).set('Tus-Resumable', TUS_VERSION).type('text/plain').send(refusal.body);
    }
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
    const repaired = await this.repairHalfFinished();
    // One still finishing (elsewhere, or too long ago for its lease) is left to its finish.
    const stale: { id: string }[] = await this.db('resumable_uploads').where('created_at', '<', before).whereNull('finishing_at').select('id');
    for (const { id } of stale) {
      await this.removeFiles(id);
      await this.forget(id);
    }
    const leftovers = await this.store.deleteExpired().catch(() => 0);
    return repaired + stale.length + leftovers;
  }

  /**
   * The finishes a killed process left (`finishing_at` set, the lock free once its lease ran out): a file
   * whose row was written is done (the upload's row and info file go); one moved without its row goes back
   * here, complete, for its sender's next request to finish. A finish under way elsewhere holds the lock.
   */
  private async repairHalfFinished(): Promise<number> {
    const half: { id: string; purpose: string }[] = await this.db('resumable_uploads').whereNotNull('finishing_at').select('id', 'purpose');
    let repaired = 0;
    for (const { id, purpose } of half) {
      const lock = await this.locker.quietLock(id);
      if (!lock) continue;
      try {
        const row = await this.db('resumable_uploads').where({ id }).first('finishing_at');
        if (!row?.finishing_at) continue;
        const kept = await this.keptFiles(id, purpose);
        const main = kept.find((f) => !path.basename(f).startsWith(`${id}-`));
        if (main && (await this.opts.isRecorded(path.relative(this.opts.uploadDir, main).split(path.sep).join('/')))) {
          await this.removeFiles(id);
          await this.forget(id);
        } else {
          await this.undoHalfFinish(id, purpose);
          await this.db('resumable_uploads').where({ id }).update({ finishing_at: null });
        }
        repaired++;
      } finally {
        await lock.unlock();
      }
    }
    return repaired;
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
    // Known from here, should the disk be too full to create its files.
    this.of(req).uploadId = upload.id;
    return {};
  }

  private async finished(req: Request, upload: Upload): Promise<{ headers: Record<string, string> }> {
    const { purpose, req: sent, res } = this.of(req);
    const location = await this.finish(purpose, upload.id, sent, res);
    return { headers: { [FINISHED_LOCATION_HEADER]: location } };
  }

  /**
   * The complete file through its purpose's final step, once: under the upload's lock (a repeated last
   * PATCH, or a HEAD, waits for the finish under way, then finds its record), after putting back what a
   * killed finish left. Returns where the record is.
   */
  private async finish(purpose: UploadPurpose, id: string, sent: ExpressRequest, res: ExpressResponse): Promise<string> {
    const lock = this.locker.newLock(id);
    // A finish is not given up for a waiter: the waiter gets 423 after a while and asks again.
    await lock.lock(new AbortController().signal, () => undefined);
    try {
      const done = await purpose.finishedAs(id);
      if (done) {
        await this.removeFiles(id);
        await this.forget(id);
        return done.location;
      }
      const row = await this.db('resumable_uploads').where({ id }).first('finishing_at');
      if (!row) throw ERRORS.FILE_NOT_FOUND;
      if (row.finishing_at) await this.undoHalfFinish(id, purpose.name);
      const upload = await this.store.getUpload(id);
      if (upload.offset !== upload.size) throw ERRORS.INVALID_OFFSET;
      await this.db('resumable_uploads').where({ id }).update({ finishing_at: nowIso() });
      const metadata = metadataOf(upload);
      try {
        const file = await receivedFromDisk(path.join(this.directory, id), metadata.filename);
        const location = await purpose.finish({ ...file, keepAs: id }, metadata);
        // The flash `finish` left is stored before the answer: the page's script goes to `location` as soon as
        // it hears it (and express-session's own save while a web Response is streamed out cut the connection).
        await new Promise<void>((resolve, reject) => sent.session.save((err) => (err ? reject(err) : resolve())));
        return location;
      } catch (err) {
        throw refused(err, purpose, res);
      } finally {
        // Kept or refused, the upload is over: the record has its own file now, or there is none. (A killed
        // process runs no finally: the next HEAD or sweep reads what it left, see above.)
        await this.removeFiles(id);
        await this.forget(id);
      }
    } finally {
      await lock.unlock();
    }
  }

  /** What the library answers on an error, for two cases of ours; undefined leaves its own answer. */
  private async failed(req: Request, err: unknown): Promise<{ status_code: number; body: string } | undefined> {
    const { purpose, uploadId } = this.of(req);
    if (isDiskFull(err)) {
      // Nothing half-kept on a full disk: the partial file goes, which gives its room back, and the upload
      // with it; the sender is told why, not asked to retry.
      if (uploadId) {
        await this.removeFiles(uploadId);
        await this.forget(uploadId);
      }
      return { status_code: 507, body: `${purpose.explain(new Refusal('file', 'storage.full.body', 507))}\n` };
    }
    // A PATCH that waited while another request finished the upload: as for any PATCH at a stale offset,
    // 409, and the client's HEAD then hears where it went.
    const status = (err as { status_code?: number }).status_code;
    if (req.method === 'PATCH' && uploadId && (status === 404 || status === 410) && (await purpose.finishedAs(uploadId))) {
      return ERRORS.INVALID_OFFSET;
    }
    return undefined;
  }

  /** Whether every declared byte of an upload is here. */
  private async isComplete(id: string, declared: number | string | null): Promise<boolean> {
    if (declared === null) return false;
    const size = await stat(path.join(this.directory, id)).then((s) => s.size, () => -1);
    return size === toNumber(declared);
  }

  /**
   * The files a finish of this upload moved or made in its purpose's area (`<area>/<year>/<id>.*`, `<id>-*`).
   * A purpose no area is known for keeps nothing there to look for.
   */
  private async keptFiles(id: string, purposeName: string): Promise<string[]> {
    const area = this.opts.areas[purposeName];
    if (!area) return [];
    const areaDir = path.join(this.opts.uploadDir, area);
    const found: string[] = [];
    for (const year of await readdir(areaDir).catch(() => [] as string[])) {
      if (!/^\d{4}$/.test(year)) continue;
      for (const name of await readdir(path.join(areaDir, year)).catch(() => [] as string[])) {
        if (name.startsWith(`${id}.`) || name.startsWith(`${id}-`)) found.push(path.join(areaDir, year, name));
      }
    }
    return found;
  }

  /** A finish cut off before its record: the moved file back here, complete; what it made beside it, gone. */
  private async undoHalfFinish(id: string, purposeName: string): Promise<void> {
    const here = path.join(this.directory, id);
    for (const file of await this.keptFiles(id, purposeName)) {
      if (!path.basename(file).startsWith(`${id}-`) && !existsSync(here)) await rename(file, here);
      else await rm(file, { force: true });
    }
  }

  /**
   * The refusal of an upload whose stored first bytes its purpose does not take (checkFirstBytes), as the
   * finish's refusals are answered; the upload goes (files and row), under its lock. Undefined when taken.
   */
  private async refusedByFirstBytes(purpose: UploadPurpose, id: string, res: ExpressResponse): Promise<{ status_code: number; body: string } | undefined> {
    const head = Buffer.alloc(HEAD_BYTES);
    let bytesRead = 0;
    try {
      const file = await open(path.join(this.directory, id), 'r');
      try {
        ({ bytesRead } = await file.read(head, 0, HEAD_BYTES, 0));
      } finally {
        await file.close();
      }
    } catch {
      return undefined;
    }
    // Not yet on this disk (another instance's piece, a stale offset): the library answers, the finish checks.
    if (bytesRead < HEAD_BYTES) return undefined;
    try {
      await purpose.checkFirstBytes!(head);
      return undefined;
    } catch (err) {
      const answer = refused(err, purpose, res) as { status_code?: number; body?: string };
      if (!answer.status_code) throw err;
      const lock = this.locker.newLock(id);
      await lock.lock(new AbortController().signal, () => undefined);
      try {
        await this.removeFiles(id);
        await this.forget(id);
      } finally {
        await lock.unlock();
      }
      return { status_code: answer.status_code, body: answer.body ?? '' };
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

/** HEAD or PATCH of an upload that became a record: complete, and where it went. */
function answerFinished(req: ExpressRequest, res: ExpressResponse, done: { location: string; size: number }): void {
  res.set({ 'Tus-Resumable': TUS_VERSION, 'Cache-Control': 'no-store', [FINISHED_LOCATION_HEADER]: done.location });
  if (req.method === 'HEAD') return void res.status(200).set({ 'Upload-Offset': String(done.size), 'Upload-Length': String(done.size) }).end();
  // More bytes for a finished upload: a stale offset, as the protocol answers it (the client then asks HEAD).
  res.status(409).type('text/plain').send(ERRORS.INVALID_OFFSET.body);
}

/** The client's metadata, every value a string (a key sent without a value is an empty one). */
function metadataOf(upload: Upload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(upload.metadata ?? {})) out[k] = v ?? '';
  return out;
}
