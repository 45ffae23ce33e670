import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { loadConfig, type Config } from './config.js';
import { createDb } from './db/knex.js';
import { migrateLatest } from './db/migrate.js';
import { createApp } from './app.js';
import { countUsers } from './users/user.js';
import { demoLogins, loadDemoData } from './demo/demo-data.js';
import { sweepTemporaryUploads } from './http/uploads.js';
import { storedFileRecorded } from './stored-files.js';
import { appResumableUploads } from './resumable.js';
import { httpServer } from './http/timeouts.js';
import { purgeExpiredScans, purgeHealthNotes } from './documents/retention.js';
import { Dispatcher } from './outbox/dispatcher.js';
import { sendDueAnswerLinks } from './followups/answer-link.js';
import { transportsFrom } from './outbox/transports.js';
import { sendDueReminders } from './outbox/reminders.js';
import { sendMorningEmails } from './outbox/morning-email.js';

const config = configOrExit();
const db = createDb(config.database);
mkdirSync(config.uploadDir, { recursive: true });

const applied = await migrateLatest(db);
if (applied.length) console.log(`migrations applied: ${applied.join(', ')}`);

// What start-up prints must be true of this start: demo logins only when this start loaded them, the
// first-run page only while it exists (no account yet).
const hadAccounts = (await countUsers(db)) > 0;
let loadedDemo = false;
if (config.demoData && !hadAccounts) {
  await loadDemoData(db);
  loadedDemo = true;
}

// Uploads a killed process left half-done, and scans past their retention (also `npm run purge`).
const isRecorded = storedFileRecorded(db);
const swept = await sweepTemporaryUploads(config.uploadDir, isRecorded);
const purged = await purgeExpiredScans(db, config.uploadDir, config.retentionDays);
const notes = await purgeHealthNotes(db, config.retentionDays);
if (swept || purged || notes) console.log(`start-up cleaning: ${swept} unfinished upload(s) removed, ${purged} scan(s) and ${notes} health note(s) past retention deleted`);
// Another instance sharing the folder may be killed while this one runs: its leftovers go within the hour.
setInterval(() => void sweepTemporaryUploads(config.uploadDir, isRecorded, 3600_000, false).catch(() => undefined), 15 * 60_000).unref();
// Resumable uploads abandoned for TUS_EXPIRY_HOURS: their partial files, info files and rows.
const resumable = appResumableUploads(db, config);
const sweepResumable = () => void resumable.sweep().then((n) => n && console.log(`${n} abandoned resumable upload(s) removed`)).catch((err: Error) => console.error(`[resumable uploads] ${err.message}`));
sweepResumable();
setInterval(sweepResumable, 15 * 60_000).unref();

// Messages leave from the server process, outside requests; each instance runs one dispatcher and the
// leases keep them from sending a message twice (src/outbox/outbox.ts, claimDue).
const transports = transportsFrom(config.outbox);
const dispatcher = config.outbox.dispatch ? new Dispatcher(db, transports, config.outbox) : null;
dispatcher?.start();
// Each follow-up round sends its youths their answer link by itself, with the dispatcher that sends it.
if (dispatcher) {
  const linkPolicy = { publicUrl: config.publicUrl, days: config.outbox.followUpLinkDays };
  const sendLinks = () => void sendDueAnswerLinks(db, linkPolicy).catch((err: Error) => console.error(`[follow-up links] ${err.message}`));
  setInterval(sendLinks, 15 * 60_000).unref();
  sendLinks();
}

const app = createApp({ config, db });

// The reminders to youths and the morning e-mails, queued by a pass every quarter of an hour (after the
// app, whose catalogue the morning e-mail is written from). Each is queued once whatever the number of
// instances running it (their keys are unique rows); REMINDERS=0 leaves it to another instance.
if (config.outbox.reminders) {
  const remind = () => void sendDueReminders(db, { publicUrl: config.publicUrl })
    .then(() => sendMorningEmails(db, { publicUrl: config.publicUrl, at: config.outbox.morningEmailAt }))
    .catch((err: Error) => console.error(`[reminders] ${err.message}`));
  setInterval(remind, 15 * 60_000).unref();
  remind();
}
const server = httpServer(app, config).listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  const where = config.database.client === 'pg' ? 'PostgreSQL' : `SQLite ${config.database.file}`;
  console.log(`Tremplin is running on http://localhost:${port}  (${where})`);
  if (loadedDemo) {
    console.log('Demo data loaded. Demo logins:');
    for (const line of demoLogins()) console.log(line);
  } else if (!hadAccounts) {
    console.log(`First run? Open http://localhost:${port}/setup to create the first admin.`);
  }
});

// On SIGTERM (deploys, load balancer drains) finish the requests under way, then close the database.
let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`${signal} received: closing`);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  server.close(() => {
    void (dispatcher?.stop() ?? Promise.resolve())
      .then(() => Promise.all(Object.values(transports).map((t) => t.close?.())))
      .finally(() => db.destroy().finally(() => process.exit(0)));
  });
  server.closeIdleConnections();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

/** A setting that is missing or wrong stops the start with what to fix, not a stack trace. */
function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    console.error(`Tremplin cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
}
