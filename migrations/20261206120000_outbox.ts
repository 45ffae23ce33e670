import type { Knex } from 'knex';
import { toE164 } from '../src/outbox/sms-rules.js';
import { trackDataVersion } from '../src/db/data-version.js';

/**
 * The delivery queue (src/outbox/): one row per message to one person, claimed by a dispatcher with a
 * lease, sent by a transport, its receipt recorded from the provider's webhook. And the numbers that said
 * STOP, kept by number: a youth and a parent may share a phone, and a STOP stops that phone.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox_messages', (t) => {
    t.increments('id');
    // Who it is for: an account, a youth's file, or a contact with neither (a parent), by address only.
    t.integer('recipient_user_id').references('id').inTable('users').onDelete('SET NULL');
    t.integer('recipient_youth_id').references('id').inTable('youths').onDelete('SET NULL');
    t.string('channel', 10).notNullable();
    // The phone (E.164) or e-mail address, read when the message was queued: what the worker saw on the file.
    t.string('address', 254).notNullable();
    t.string('locale', 5).notNullable();
    t.string('message_key', 80).notNullable();
    t.text('data').notNullable();
    t.string('status', 12).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('next_try_at', 30).notNullable();
    t.string('claimed_by', 80);
    t.string('lease_until', 30);
    t.string('provider_id', 120);
    t.text('last_error');
    // What was sent, written at send time (the text in the recipient's language).
    t.text('rendered');
    // The random part of the opt-out link the SMS carries.
    t.string('stop_token', 64).notNullable().unique();
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('created_at', 30).notNullable();
    t.string('sent_at', 30);
    t.string('delivered_at', 30);
    t.string('updated_at', 30).notNullable();
    // What the dispatcher asks every few seconds: the rows due, oldest first.
    t.index(['status', 'next_try_at']);
    t.index(['provider_id']);
    t.index(['recipient_youth_id']);
  });
  await knex.schema.createTable('sms_opt_outs', (t) => {
    t.string('phone', 20).primary();
    // 'stop_reply' (STOP answered to an SMS, through the provider's webhook) or 'link' (the link in an SMS).
    t.string('source', 20).notNullable();
    t.integer('message_id').references('id').inTable('outbox_messages').onDelete('SET NULL');
    t.string('created_at', 30).notNullable();
  });
  // A STOP changes what the youth's pages say (src/db/data-version.ts); the outbox itself is not tracked.
  await trackDataVersion(knex, 'sms_opt_outs');
  await normalisePhones(knex);
}

/**
 * Youths' numbers were kept as typed ("06 12 34 56 78", "06.12.34.56.78"): stored from now on in E.164,
 * those already there are rewritten where they can be read; a number that cannot is left as typed, for
 * the worker to correct (the file's form refuses it until then).
 */
async function normalisePhones(knex: Knex): Promise<void> {
  const rows: { id: number; phone: string | null; emergency_contact_phone: string | null }[] = await knex('youths')
    .whereNotNull('phone').orWhereNotNull('emergency_contact_phone').select('id', 'phone', 'emergency_contact_phone');
  for (const row of rows) {
    const phone = toE164(row.phone) ?? row.phone;
    const emergency = toE164(row.emergency_contact_phone) ?? row.emergency_contact_phone;
    if (phone !== row.phone || emergency !== row.emergency_contact_phone) {
      await knex('youths').where({ id: row.id }).update({ phone, emergency_contact_phone: emergency });
    }
  }
}

// The numbers stay in E.164: it is a spelling of the same number, which every page and form reads as well.
export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sms_opt_outs');
  await knex.schema.dropTable('outbox_messages');
}
