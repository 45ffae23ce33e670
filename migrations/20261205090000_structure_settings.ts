import type { Knex } from 'knex';

/**
 * A structure's own settings, which were the installation's: how long scans are kept (null: RETENTION_DAYS),
 * which follow-up milestones it plans (null: all of them), its SMS sender name, its address and logo on the
 * report PDFs. Each change is a row of structure_setting_changes: who, when, what it became.
 *
 * The papers a new group asks for: a network's rules (network_paper_rules, set by its coordinator or the
 * platform) over the built-in rules per destination, and a structure's over its network's. A kind without a
 * row is as the level below says; a row says 'always' or 'never'. A network's changes are rows of
 * network_setting_changes.
 *
 * Plain ALTER TABLE on SQLite (see 20261204090000_structures_and_networks): no table is rebuilt.
 */
const COLUMNS = ['retention_days', 'follow_up_milestones', 'sms_sender', 'address', 'logo_path', 'logo_mime'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('structures', (t) => {
    t.integer('retention_days');
    t.string('follow_up_milestones', 20);
    t.string('sms_sender', 11);
    t.text('address');
    t.string('logo_path', 200);
    t.string('logo_mime', 20);
  });
  const levels = [['structure', 'structure_id', 'structures'], ['network', 'network_id', 'networks']] as const;
  for (const [level, owner, target] of levels) {
    await knex.schema.createTable(`${level}_setting_changes`, (t) => {
      t.increments('id');
      t.integer(owner).notNullable().references('id').inTable(target).onDelete('CASCADE');
      t.string('setting', 40).notNullable();
      t.text('value');
      t.integer('changed_by').references('id').inTable('users').onDelete('SET NULL');
      // Kept as it was when the change was made: the account may be renamed or closed later.
      t.string('changed_by_name', 160);
      t.string('at', 30).notNullable();
      t.index([owner, 'at']);
    });
    await knex.schema.createTable(`${level}_paper_rules`, (t) => {
      t.integer(owner).notNullable().references('id').inTable(target).onDelete('CASCADE');
      t.string('kind', 30).notNullable();
      t.string('asked', 10).notNullable();
      t.primary([owner, 'kind']);
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('network_setting_changes');
  await knex.schema.dropTable('structure_paper_rules');
  await knex.schema.dropTable('network_paper_rules');
  await knex.schema.dropTable('structure_setting_changes');
  for (const column of COLUMNS) {
    if (knex.client.config.client !== 'pg') await knex.raw(`alter table structures drop column ${column}`);
    else await knex.schema.alterTable('structures', (t) => t.dropColumn(column));
  }
}
