import { randomUUID } from 'node:crypto';
import { close, open, writev } from 'node:fs';
import { mkdir, open as openFile, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, RequestHandler } from 'express';
import multer, { type StorageEngine } from 'multer';
import { fileTypeFromBuffer } from 'file-type';
import { StoredFileSha256, takeRunningSha256 } from './stored-file-sha256.js';
import { cleanFormFields, withoutInvisibleControls } from './form-text.js';
import { allowSlowUpload } from './timeouts.js';
import { countReceivedBytes } from './upload-memory.js';

/**
 * Uploads, the same way for every concept (documents' scans, youths' media):
 * - the file is streamed to a temporary file under UPLOAD_DIR/tmp (never held in memory), with its
 *   SHA-256 computed and its first bytes kept as it goes by;
 * - its type is decided from those bytes (magic numbers), never from the name or the browser's word;
 * - only then is it moved (a rename on the same disk: atomic) to a generated name under UPLOAD_DIR, and
 *   the caller writes its database row; if that fails the file is removed again.
 * A refused, oversized or interrupted upload leaves no file: multer removes the temporary file on its
 * errors, `discard` removes one we refuse ourselves, and `sweepTemporaryUploads` clears what a killed
 * process left behind.
 */

export const HEAD_BYTES = 4100; // what file-type needs to recognise every format it knows

// Temporary files carry the host and process that write them, so that a restarted process can tell the
// leftovers of a killed one (removed at once) from the uploads under way in another instance sharing the
// folder (left alone until they are an hour old).
const HOST = hostname().replace(/[^\w-]/g, '_') || 'host';
const TEMP_NAME = /^(.+)\.(\d+)\.[0-9a-f-]{36}\.(part|keeping)$/;
const WRITE_BUFFER_BYTES = 1024 * 1024;


export interface ReceivedFile {
  /** Temporary path while the upload is checked; never shown to anyone. */
  tempPath: string;
  size: number;
  sha256: string;
  head: Buffer;
  /** The name the browser gave, kept only as a label (trimmed, no path): never used to build a path. */
  originalName: string;
  /**
   * The name to keep it under instead of a random one (a resumable upload's id): a process killed between
   * the move and the row leaves a file that can then be found by that name and put back (resumable-uploads.ts).
   */
  keepAs?: string;
}

type MulterFile = Express.Multer.File & { received?: ReceivedFile };

class HashingDiskStorage implements StorageEngine {
  constructor(private readonly tmpDir: string) {}

  _handleFile(_req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    const tempPath = path.join(this.tmpDir, `${HOST}.${process.pid}.${randomUUID()}.part`);
    const headChunks: Buffer[] = [];
    let headLength = 0;
    let size = 0;
    let hash: StoredFileSha256 | undefined;
    // Size and first bytes are taken by a listener on the chunks as they go to the file, not by a Transform
    // between them (one stream hop less per chunk); the SHA-256 by the writer, of what it writes.
    const observe = (chunk: Buffer) => {
      size += chunk.length;
      if (headLength < HEAD_BYTES) {
        const part = chunk.subarray(0, HEAD_BYTES - headLength);
        headChunks.push(Buffer.from(part));
        headLength += part.length;
      }
    };
    mkdir(this.tmpDir, { recursive: true })
      .then(() => {
        hash = new StoredFileSha256(tempPath);
        // Attached in the same tick as the pipeline, before any chunk can flow: every chunk is seen once.
        file.stream.on('data', observe);
        return pipeline(file.stream, new StoredFileWriter(tempPath, 'wx', 0, hash));
      })
      .then(() => hash!.digest(size))
      .then((sha256) => {
        const received: ReceivedFile = {
          tempPath, size, sha256, head: Buffer.concat(headChunks), originalName: labelFromName(file.originalname),
        };
        cb(null, { path: tempPath, size, received } as Partial<MulterFile>);
      })
      .catch((err: unknown) => {
        hash?.abort();
        unlink(tempPath).catch(() => undefined).finally(() => cb(err));
      });
  }

  _removeFile(_req: Request, file: Express.Multer.File, cb: (error: Error | null) => void): void {
    unlink(file.path).then(() => cb(null), () => cb(null));
  }
}

/**
 * Writes an upload's chunks to a file from `position` on, and gives `hash` each batch with the position it
 * is written at. Performance (`npm run bench:upload`): the chunks queued while a write is under way go
 * to the disk in one writev (up to 1 MiB buffered before the sender is paused, instead of fs.WriteStream's
 * 16 KiB, with which a resumable upload made a system call and a pause per 64 KiB chunk).
 */
export class StoredFileWriter extends Writable {
  private fd: number | undefined;

  constructor(private readonly filePath: string, private readonly flags: 'wx' | 'r+', private position: number, private readonly hash: StoredFileSha256) {
    super({ highWaterMark: WRITE_BUFFER_BYTES });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.filePath, this.flags, (err, fd) => {
      this.fd = fd;
      callback(err);
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeAll([chunk], callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.writeAll(chunks.map((c) => c.chunk), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return callback();
    close(fd, (err) => callback(err));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return callback(error);
    // Not under a write still running: its descriptor's number could by then be another file's.
    const closeIt = () => close(fd, () => callback(error));
    if (this.afterWrite === null) this.afterWrite = closeIt;
    else closeIt();
  }

  // null while a write runs; then what waits for it to end (the close of a destroyed writer).
  private afterWrite: (() => void) | null | undefined;

  private writeAll(buffers: Buffer[], callback: (error?: Error | null) => void): void {
    this.hash.writing(this.position, buffers);
    this.writeRest(buffers, callback);
  }

  private writeRest(buffers: Buffer[], callback: (error?: Error | null) => void): void {
    this.afterWrite = null;
    writev(this.fd!, buffers, this.position, (err, written) => {
      const waiting = this.afterWrite;
      this.afterWrite = undefined;
      if (!err) {
        this.position += written;
        countReceivedBytes(written);
        // A write may take less than it was given (rare on a local disk): the rest goes in another.
        let rest = written;
        while (buffers.length && rest >= buffers[0]!.length) rest -= buffers.shift()!.length;
        if (buffers.length) buffers[0] = buffers[0]!.subarray(rest);
      }
      if (err || (buffers.length && waiting)) this.hash.lost();
      if (waiting) return waiting();
      if (err) return callback(err);
      if (buffers.length) return this.writeRest(buffers, callback);
      callback();
    });
  }
}

/**
 * A file that arrived whole by another way than a form (a resumable upload, in pieces, perhaps through
 * several instances), as the form's storage describes one: its size, SHA-256 (the one kept as its pieces
 * were written, reading back from the disk whatever this process did not write) and
 * first bytes. From here it goes through the same checks as a form's file.
 */
export async function receivedFromDisk(tempPath: string, name: string | undefined): Promise<ReceivedFile> {
  const hash = takeRunningSha256(tempPath) ?? new StoredFileSha256(tempPath);
  try {
    const { size } = await stat(tempPath);
    const handle = await openFile(tempPath, 'r');
    let head: Buffer;
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(Math.min(HEAD_BYTES, size)), 0, Math.min(HEAD_BYTES, size), 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    return { tempPath, size, sha256: await hash.digest(size), head, originalName: labelFromName(name) };
  } catch (err) {
    hash.abort();
    throw err;
  }
}

/** A browser's file name, reduced to a harmless label: no folders, no control or bidi characters, 120 characters. */
export function labelFromName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // Line breaks and tabs too: a label is one line.
  return withoutInvisibleControls(base).replace(/[\t\n\r]/g, '').trim().slice(0, 120) || 'fichier';
}

export interface UploadOptions {
  uploadDir: string;
  field: string;
  maxBytes: number;
  /** The text fields beside the file: how many, and how long each may be (by default 30 of 100 kB). */
  textFields?: { count: number; maxBytes: number };
}

/**
 * The middleware that receives one file in `field`, streaming it as described above. Text fields of the
 * same form arrive in req.body. Size errors become an HttpError-like 413 with a code the route can read.
 */
export function receiveOneFile(opts: UploadOptions): RequestHandler {
  return receiving(opts, 1, (upload) => upload.single(opts.field));
}

/**
 * The same for a form that sends up to `maxFiles` files at once in `field` (`<input type=file multiple>`),
 * each held to `maxBytes`: one file over its limit, or an interrupted body, refuses the whole post and
 * every file already received is removed, as for a single file.
 */
export function receiveFiles(opts: UploadOptions & { maxFiles: number }): RequestHandler {
  return receiving(opts, opts.maxFiles, (upload) => upload.array(opts.field, opts.maxFiles));
}

function receiving(opts: UploadOptions, maxFiles: number, pick: (upload: multer.Multer) => RequestHandler): RequestHandler {
  const upload = pick(multer({
    storage: new HashingDiskStorage(path.join(opts.uploadDir, 'tmp')),
    limits: { fileSize: opts.maxBytes, files: maxFiles, fields: opts.textFields?.count ?? 30, fieldSize: opts.textFields?.maxBytes ?? 100_000 },
    // Browsers send the file name as raw UTF-8 bytes; busboy's default (latin1) turned "vidéo" into "vidÃ©o".
    defParamCharset: 'utf8',
  }));
  return (req, res, next) => {
    // The route has let the sender in: from here the body may take as long as a slow phone needs.
    allowSlowUpload(req, opts.maxBytes * maxFiles);
    upload(req, res, (err: unknown) => {
      if (!err) {
        cleanFormFields(req.body);
        return next();
      }
      if (err instanceof multer.MulterError) {
        const e = err as multer.MulterError & { status?: number; uploadProblem?: string };
        e.status = err.code === 'LIMIT_FILE_SIZE' ? 413 : 400;
        e.uploadProblem = err.code === 'LIMIT_FILE_SIZE' ? 'tooLarge' : 'malformed';
        return next(e);
      }
      // The temporary file is already gone (see _handleFile); the sender is not at fault: 507, not 500.
      if (isDiskFull(err)) (err as { status?: number }).status = 507;
      // busboy's own errors ("Unexpected end of form", "Malformed part header": an empty or cut body, a
      // NUL in a file name) carry no errno code, unlike a full disk: the sender's mistake, a 400.
      else if (err instanceof Error && !(err as NodeJS.ErrnoException).code) {
        Object.assign(err, { status: 400, uploadProblem: 'malformed' });
      }
      next(err);
    });
  };
}

/** ENOSPC: the disk is full; EDQUOT: the account's quota is. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** The file multer received on this request, if any. */
export function receivedFile(req: Request): ReceivedFile | undefined {
  return (req.file as MulterFile | undefined)?.received;
}

/** The files multer received on this request (receiveFiles), in the order the form sent them. */
export function receivedFiles(req: Request): ReceivedFile[] {
  const files = Array.isArray(req.files) ? (req.files as MulterFile[]) : [];
  return files.map((f) => f.received).filter((f): f is ReceivedFile => Boolean(f));
}

export interface DetectedType {
  ext: string;
  mime: string;
}

/** What the file really is, from its first bytes; undefined when the bytes match no known format. */
export async function detectType(file: ReceivedFile): Promise<DetectedType | undefined> {
  return detectTypeOf(file.head);
}

/** The type a file's first bytes (HEAD_BYTES of them, or the whole of a smaller file) say it is. */
export async function detectTypeOf(head: Buffer): Promise<DetectedType | undefined> {
  const found = await fileTypeFromBuffer(head);
  return found ? { ext: found.ext, mime: found.mime } : undefined;
}

/** Removes a received file the caller refused (wrong type, failed validation). */
export async function discard(file: ReceivedFile | undefined): Promise<void> {
  if (file) await rm(file.tempPath, { force: true });
}

/**
 * Moves a checked file to its place under UPLOAD_DIR with a generated name (`<area>/<yyyy>/<uuid>.<ext>`),
 * then runs `record` (which writes the database row). If `record` fails, the file is removed: there is
 * never a file without its row. Returns what `record` returned.
 *
 * Between the move and the row (a video's ffprobe and thumbnail: seconds) a killed process would leave a
 * minor's file that no row names: no page shows it, no retention ever deletes it. So a note naming the
 * file is written in tmp/ first (`<host>.<pid>.<uuid>.keeping`) and removed once the row is written or the
 * file gone; `sweepTemporaryUploads` finds the note of a dead process and deletes the file if no row names
 * it. Not for a resumable upload's file (`keepAs`): its own sweep puts such a file back into tus/.
 */
export async function keepFile<T>(
  uploadDir: string,
  area: string,
  file: ReceivedFile,
  ext: string,
  record: (storedPath: string) => Promise<T>,
): Promise<T> {
  const relative = path.posix.join(area, String(new Date().getUTCFullYear()), `${file.keepAs ?? randomUUID()}.${ext}`);
  const absolute = path.join(uploadDir, relative);
  await mkdir(path.dirname(absolute), { recursive: true });
  const note = file.keepAs ? null : path.join(uploadDir, 'tmp', `${HOST}.${process.pid}.${randomUUID()}.keeping`);
  if (note) await writeFile(note, relative, { flag: 'wx' });
  try {
    await rename(file.tempPath, absolute);
    try {
      return await record(relative);
    } catch (err) {
      await rm(absolute, { force: true });
      throw err;
    }
  } finally {
    if (note) await rm(note, { force: true });
  }
}

/** The absolute path of a stored file; refuses anything that would leave UPLOAD_DIR. */
export function storedFilePath(uploadDir: string, relative: string): string {
  const absolute = path.resolve(uploadDir, relative);
  if (!absolute.startsWith(path.resolve(uploadDir) + path.sep)) throw new Error('stored path outside the upload folder');
  return absolute;
}

/** Whether a row (a medium, a paper, a logo…) names this stored file (`<area>/<yyyy>/<name>`). */
export type StoredFileRecorded = (storedPath: string) => Promise<boolean>;

/**
 * Temporary files of uploads that will never finish: those of a process of this host that is gone (killed
 * mid-upload; at start-up, also those bearing our own pid, which a container restart reuses), and any
 * older than an hour (another host's dead process). At start-up and then now and then (server.ts).
 * A keeping note (keepFile) found so takes its file with it unless `isRecorded` says a row names it.
 */
export async function sweepTemporaryUploads(uploadDir: string, isRecorded: StoredFileRecorded, olderThanMs = 3600_000, atStartUp = true): Promise<number> {
  const dir = path.join(uploadDir, 'tmp');
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const p = path.join(dir, name);
    const s = await stat(p).catch(() => undefined);
    if (s && (Date.now() - s.mtimeMs > olderThanMs || writerIsGone(name, atStartUp))) {
      if (name.endsWith('.keeping')) await removeUnrecorded(uploadDir, await readFile(p, 'utf8'), isRecorded);
      await rm(p, { force: true });
      removed++;
    }
  }
  return removed;
}

/** The file a killed process was keeping, gone unless its row was written before the process died. */
async function removeUnrecorded(uploadDir: string, relative: string, isRecorded: StoredFileRecorded): Promise<void> {
  let absolute: string;
  try {
    absolute = storedFilePath(uploadDir, relative.trim());
  } catch {
    return;
  }
  // A directory would be a note cut short while written (kill -9): nothing to remove then.
  if (!(await isRecorded(relative.trim()))) await rm(absolute, { force: true }).catch(() => undefined);
}

function writerIsGone(name: string, atStartUp: boolean): boolean {
  const m = TEMP_NAME.exec(name);
  if (!m || m[1] !== HOST) return false;
  const pid = Number(m[2]);
  if (pid === process.pid) return atStartUp;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: the process exists but is not ours to signal, so it may still be writing.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

// What a browser only shows or plays, and never runs: pictures, videos, sounds. Anything else people send
// (a PDF, whose viewer runs the scripts it carries; SVG or HTML, which are pages) leaves as a download.
const SHOWN_INLINE = /^(image\/(jpeg|png|gif|webp|avif|heic|heif)|video\/[\w.+-]+|audio\/[\w.+-]+)$/i;

/** Whether a stored file of this type may be shown in the browser rather than downloaded. */
export const showsInline = (mime: string): boolean => SHOWN_INLINE.test(mime.split(';')[0]!.trim());

// A file people uploaded comes from the app's origin, beside pages holding minors' papers: whatever it is,
// it is a sandboxed document that runs no script and loads nothing. A picture or video opened on its own is
// the browser's viewer page, which needs its inline styles and fetches the file again; from the opaque
// origin of a bare sandbox that fetch is refused, so these keep their origin — with no script allowed,
// nothing in them can use it.
const DOWNLOAD_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'";
const VIEWER_POLICY = "sandbox allow-same-origin; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/**
 * Sends a stored file through the app (never a static route): with its real type, a safe download name,
 * and HTTP range requests (206) so videos seek. Every route that sends a file people uploaded goes through
 * here. `attachment` forces a download; a type the browser could run is always one.
 */
export function sendStoredFile(
  res: import('express').Response,
  absolutePath: string,
  opts: { mime: string; downloadName: string; attachment?: boolean },
): Promise<void> {
  const inline = !opts.attachment && showsInline(opts.mime);
  const disposition = `${inline ? 'inline' : 'attachment'}; filename="${opts.downloadName.replace(/[^\w.\- ]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(opts.downloadName)}`;
  return new Promise((resolve, reject) => {
    res.sendFile(
      absolutePath,
      {
        acceptRanges: true,
        cacheControl: false,
        lastModified: true,
        dotfiles: 'allow',
        headers: {
          'Content-Type': opts.mime, 'Content-Disposition': disposition, 'X-Content-Type-Options': 'nosniff',
          'Content-Security-Policy': inline ? VIEWER_POLICY : DOWNLOAD_POLICY,
        },
      },
      (err) => (err && !res.headersSent ? reject(err) : resolve()),
    );
  });
}
