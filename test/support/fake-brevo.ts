import http from 'node:http';
import { onFreePort, type Listening } from './http.js';

/** One SMS request as Brevo would have received it. */
export interface BrevoRequest {
  method: string;
  path: string;
  apiKey: string | undefined;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

/**
 * A local server answering as Brevo's transactional SMS API is documented to: POST
 * /transactionalSMS/send with an `api-key` header and a JSON body, 201 {"messageId": …} when accepted,
 * {"code", "message"} with 400/401/5xx otherwise; GET /transactionalSMS/statistics/events?tags=… lists
 * the events of the messages with that tag. `answer` decides each send's fate (0: it hangs, unaccepted); `hold` keeps the answer
 * back after the message is accepted (for the test that kills the sender there).
 */
export class FakeBrevo {
  readonly requests: BrevoRequest[] = [];
  /** Accepted SMS, by tag: what the provider would deliver. */
  readonly accepted: { messageId: number; tag: string; recipient: string; content: string }[] = [];
  answer: (req: BrevoRequest, n: number) => { status: number; body: unknown } = () => ({ status: 201, body: null });
  hold = false;
  private nextId = 1511882900176220;
  private listening: Listening | undefined;

  constructor(readonly apiKey = 'xkeysib-test-key') {}

  get url(): string {
    return `${this.listening!.baseUrl}/v3`;
  }

  /** Sends handed to the provider, and accepted by it. */
  sends(): BrevoRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/v3/transactionalSMS/send');
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => this.handle(req, raw, res));
    });
    this.listening = await onFreePort(server);
    return this;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }

  private handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const entry: BrevoRequest = {
      method: req.method ?? '', path: url.pathname, apiKey: req.headers['api-key'] as string | undefined,
      contentType: req.headers['content-type'], body: raw ? JSON.parse(raw) : {},
    };
    this.requests.push(entry);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (entry.apiKey !== this.apiKey) return reply(401, { code: 'unauthorized', message: 'Key not found' });
    if (entry.method === 'GET' && url.pathname === '/v3/transactionalSMS/statistics/events') {
      const tag = url.searchParams.get('tags');
      const events = this.accepted.filter((a) => a.tag === tag).map((a) => ({ phoneNumber: a.recipient, date: new Date().toISOString(), messageId: String(a.messageId), event: 'sent', tag: a.tag }));
      return reply(200, { events });
    }
    if (entry.method !== 'POST' || url.pathname !== '/v3/transactionalSMS/send') return reply(404, { code: 'not_found', message: 'Not found' });
    const decided = this.answer(entry, this.sends().length);
    // 0: the request reached nothing that took it (a connection that hangs), and nothing is answered.
    if (decided.status === 0) return;
    if (decided.status !== 201) return reply(decided.status, decided.body);
    const messageId = this.nextId++;
    this.accepted.push({ messageId, tag: String(entry.body.tag), recipient: String(entry.body.recipient), content: String(entry.body.content) });
    if (this.hold) return; // accepted, and the answer never comes
    reply(201, { messageId });
  }
}
