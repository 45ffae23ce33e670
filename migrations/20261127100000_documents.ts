import type { Knex } from 'knex';

// Required documents: the rules of each group (copied from the destination's defaults the first time they
// are needed, then adjusted by the worker), each youth's papers, and the audit log that records who
// downloaded a youth's scan, who checked what, and what the retention purge deleted.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('group_requirements', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    // passport_or_id | visa | insurance | exit_authorisation | parent_id | health | image_rights
    t.string('kind', 24).notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    // Only for youths under 18 on the departure day (exit authorisation, parent's ID).
    t.boolean('minors_only').notNullable().defaultTo(false);
    // The deadline is counted back from the departure date: visas take time.
    t.integer('lead_days').notNullable().defaultTo(30);
    // Passport: how many months it must still be valid after the return; and whether an ID card will do.
    t.integer('months_valid');
    t.boolean('id_card_accepted').notNullable().defaultTo(false);
    // Health papers: which ones (yellow_fever | other).
    t.string('detail', 24);
    // The worker's own words for the youths ("carnet international, tampon du centre de vaccination").
    t.string('note', 500);
    t.integer('updated_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('updated_at', 30).notNullable();
    t.unique(['group_id', 'kind']);
  });
  await knex.schema.createTable('youth_documents', (t) => {
    t.increments('id');
    t.integer('enrolment_id').notNullable().references('id').inTable('enrolments').onDelete('CASCADE');
    t.string('kind', 24).notNullable();
    // received | checked | rejected; "missing" is the absence of a row, "expired" is worked out from the dates.
    t.string('status', 16).notNullable();
    t.string('rejection_reason', 500);
    // Calendar days as YYYY-MM-DD: when the paper stops being valid, and (insurance) when its cover starts.
    t.string('valid_from', 10);
    t.string('expiry_date', 10);
    // passport_or_id: passport | id_card
    t.string('id_type', 16);
    t.string('visa_applied_on', 10);
    t.string('visa_decision', 16); // pending | granted | refused
    // The scan, if any: stored under a generated name; the browser's name is kept as a label only.
    t.string('scan_path', 255);
    t.string('scan_mime', 64);
    t.bigInteger('scan_size');
    t.string('scan_sha256', 64);
    t.string('scan_name', 160);
    t.integer('uploaded_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('uploaded_at', 30);
    t.integer('checked_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('checked_at', 30);
    // Set when the retention purge deleted the scan; the status and the dates stay.
    t.string('scan_purged_at', 30);
    t.string('updated_at', 30).notNullable();
    t.unique(['enrolment_id', 'kind']);
  });
  await knex.schema.createTable('audit_log', (t) => {
    t.increments('id');
    // Null for what the app does by itself (the retention purge). The name is kept as it was then.
    t.integer('user_id').references('id').inTable('users').onDelete('SET NULL');
    t.string('user_name', 120);
    t.string('action', 48).notNullable();
    t.string('subject_type', 32);
    t.integer('subject_id');
    // No foreign key: the log must outlive what it talks about.
    t.integer('group_id');
    t.text('details');
    t.string('at', 30).notNullable();
    t.index(['at']);
    t.index(['group_id', 'at']);
    t.index(['user_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
  await knex.schema.dropTable('youth_documents');
  await knex.schema.dropTable('group_requirements');
}
