import http from 'node:http';
import type { Request, RequestHandler, Response } from 'express';

/**
 * How long the server waits for a request to arrive. Node's own `requestTimeout` is one figure for the whole
 * server, counted from the request's first byte: 300 s by default, which cut a phone sending a 2 GB video at
 * 64 KiB/s after five minutes, while a figure sized for that video would let any client hold a connection
 * for hours by trickling an ordinary form. So Node keeps only the headers' timeout (and, as a backstop, the
 * longest upload's), and each request gets its own deadline here:
 * - an ordinary request must have arrived whole within `requestMs`;
 * - an upload, once its route has let the sender in (receiveOneFile), may take as long as its size limit
 *   needs at the slowest rate we serve, provided no `uploadIdleMs` go by without a byte.
 * Only the request's arrival is timed: the answer (a long download, a slow report) is not.
 */
export interface Timeouts {
  requestMs: number;
  uploadIdleMs: number;
  uploadSlowestBytesPerSecond: number;
}

/** How long an upload of at most `maxBytes` may take to arrive, from its first byte. */
export function uploadDeadlineMs(t: Timeouts, maxBytes: number): number {
  return Math.max(t.requestMs, Math.ceil((maxBytes / t.uploadSlowestBytesPerSecond) * 1000));
}

/**
 * The HTTP server for the app, with the timeouts above: what server.ts listens with. Node checks its own
 * timeouts every `connectionsCheckingInterval` (30 s by default): a quarter of the headers' timeout keeps a
 * slow-headers client from holding on much past it.
 */
export function httpServer(app: http.RequestListener, config: { timeouts: Timeouts; limits: Record<string, number> }): http.Server {
  const t = config.timeouts;
  const longestUpload = uploadDeadlineMs(t, Math.max(...Object.values(config.limits)));
  return http.createServer(
    {
      headersTimeout: t.requestMs,
      requestTimeout: longestUpload + t.requestMs,
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(t.requestMs / 4))),
    },
    app,
  );
}

class Deadline {
  private total: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;
  private readonly started = Date.now();
  private readonly stop = () => this.clear();

  constructor(
    private readonly req: Request,
    private readonly res: Response,
    private readonly t: Timeouts,
    private readonly expired: (req: Request, res: Response) => void,
  ) {
    this.total = setTimeout(() => this.expire(), t.requestMs);
    req.once('end', this.stop);
    req.socket.once('close', this.stop);
  }

  /** From now on, the deadline of an upload of at most `maxBytes`, and the idle watch. */
  extendForUpload(maxBytes: number): void {
    if (this.req.complete || !this.total) return;
    clearTimeout(this.total);
    this.total = setTimeout(() => this.expire(), Math.max(0, this.started + uploadDeadlineMs(this.t, maxBytes) - Date.now()));
    let lastBytes = this.req.socket.bytesRead;
    let lastMoved = Date.now();
    this.idle = setInterval(() => {
      const bytes = this.req.socket.bytesRead;
      // A socket we stopped reading (the disk or the hash catching up) is not a quiet sender.
      if (bytes !== lastBytes || this.req.socket.isPaused()) {
        lastBytes = bytes;
        lastMoved = Date.now();
      } else if (Date.now() - lastMoved >= this.t.uploadIdleMs) {
        this.expire();
      }
    }, Math.min(1000, Math.max(50, Math.floor(this.t.uploadIdleMs / 4))));
  }

  private clear(): void {
    clearTimeout(this.total);
    clearInterval(this.idle);
    this.total = this.idle = undefined;
    this.req.removeListener('end', this.stop);
    this.req.socket.removeListener('close', this.stop);
  }

  private expire(): void {
    const { req, res } = this;
    this.clear();
    // Arrived whole, and only the answer is taking its time (nobody read the body): not ours to cut.
    if (req.complete) return;
    // Destroying the request, not just its socket: whatever reads the body (multer, which then removes the
    // half-written file, or the form parser) hears that it was aborted. Node no longer tells a request
    // whose answer has gone out that its connection closed.
    const cut = () => void req.destroy();
    if (res.headersSent) return cut();
    res.setHeader('Connection', 'close');
    res.once('finish', cut);
    // In case the page cannot be written (the client reads nothing): the connection goes all the same.
    setTimeout(cut, 5000).unref();
    this.expired(req, res);
  }
}

const deadlines = new WeakMap<Request, Deadline>();

/**
 * The first middleware of the app: starts the request's deadline. `expired` answers a request cut before
 * it arrived (the 408 page); the connection is then closed.
 */
export function requestDeadlines(t: Timeouts, expired: (req: Request, res: Response) => void): RequestHandler {
  return (req, res, next) => {
    if (!req.complete) deadlines.set(req, new Deadline(req, res, t, expired));
    next();
  };
}

/** Gives this request an upload's deadline: called once its route has let the sender in, before the body is read. */
export function allowSlowUpload(req: Request, maxBytes: number): void {
  deadlines.get(req)?.extendForUpload(maxBytes);
}
