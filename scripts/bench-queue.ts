/**
 * `npm run bench:queue`: how many messages a second the dispatcher hands to an SMTP server.
 *
 * A fresh database (a temporary SQLite file; `--postgres` or BENCH_DATABASE_URL: a database of its own
 * next to postgres://postgres@127.0.0.1:5432/postgres), BENCH_MESSAGES e-mails (2000) queued, a local SMTP
 * server (the smtp-server package) that accepts everything, and one dispatcher as the server runs it
 * (nodemailer over a pooled SMTP connection): the time from its start until the server has received every
 * message and every row says "sent". Last line: `queue: X messages/s to a local SMTP server (…)`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import knex from 'knex';
import { SMTPServer } from 'smtp-server';
import { createDb, type Db } from '../src/db/knex.js';
import { migrateLatest } from '../src/db/migrate.js';
import { Dispatcher } from '../src/outbox/dispatcher.js';
import { newStopToken } from '../src/outbox/outbox.js';
import { LogTransport, SmtpTransport } from '../src/outbox/transports.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const postgresUrl = process.env.BENCH_DATABASE_URL ?? (process.argv.includes('--postgres') ? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined);

async function database(): Promise<{ db: Db; label: string; cleanup: () => Promise<void> }> {
  if (postgresUrl) {
    const name = `tremplin_bench_queue_${process.pid}`;
    const admin = knex({ client: 'pg', connection: postgresUrl });
    await admin.raw(`create database ${name}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    const db = createDb({ client: 'pg', url: url.toString() });
    return { db, label: 'postgres', cleanup: async () => { await db.destroy(); await admin.raw(`drop database if exists ${name} with (force)`); await admin.destroy(); } };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tremplin-bench-queue-'));
  const db = createDb({ client: 'sqlite3', file: path.join(dir, 'queue.sqlite') });
  return { db, label: 'sqlite', cleanup: async () => { await db.destroy(); rmSync(dir, { recursive: true, force: true }); } };
}

let received = 0;
const smtp = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      received += 1;
      callback();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
const port = (smtp.server.address() as AddressInfo).port;

const { db, label, cleanup } = await database();
await migrateLatest(db);
const now = new Date().toISOString();
const rows = Array.from({ length: MESSAGES }, (_, i) => ({
  channel: 'email', address: `jeune${i}@example.org`, locale: i % 2 ? 'en' : 'fr', message_key: 'signInCode',
  data: JSON.stringify({ name: `Jeune ${i}`, code: 'ABCD-EFGH', link: 'https://tremplin.example.org/redeem?code=ABCD-EFGH', until: '17/12/2026', stop: '' }),
  status: 'queued', attempts: 0, next_try_at: now, stop_token: newStopToken(), created_at: now, updated_at: now,
}));
await db.batchInsert('outbox_messages', rows, 500);

const email = new SmtpTransport(`smtp://127.0.0.1:${port}`, 'Tremplin <no-reply@tremplin.example.org>');
const dispatcher = new Dispatcher(db, { sms: new LogTransport('log'), email }, { leaseMs: 60_000, retryBaseMs: 30_000, maxAttempts: 6, pollMs: 20 });
const started = process.hrtime.bigint();
dispatcher.start();
const left = async () => Number((await db('outbox_messages').whereNot({ status: 'sent' }).count({ n: '*' }))[0]!.n);
while (received < MESSAGES || (await left()) > 0) await new Promise((r) => setTimeout(r, 20));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await dispatcher.stop();
await email.close();
await new Promise<void>((resolve) => smtp.close(() => resolve()));
await cleanup();

console.log(`${MESSAGES} e-mails, ${seconds.toFixed(2)} s, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`queue: ${Math.round(MESSAGES / seconds)} messages/s to a local SMTP server (${label}, ${MESSAGES} messages)`);
