import type { Knex } from 'knex';

// For the network's comparison (src/structures/network.ts), chosen with `npm run bench:dashboard -- --national`
// on a national network (10,000 groups, 375,000 follow-ups, PostgreSQL): the situations at 6 months read
// one milestone's follow-ups of the whole network, with their date and situation. Ordered by milestone,
// the index gives them without reading the other milestones' rows nor the table (about 780 → 235 ms, load
// average 7 on 2 cores). One structure's dashboard did not need a new index: it reads its enrolments through
// enrolments.group_id and groups.structure_id (src/reports/who-counts.ts, withFlags).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('follow_ups', (t) => {
    t.index(['milestone_months', 'enrolment_id', 'done_on', 'situation'], 'follow_ups_milestone_situation_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('follow_ups', (t) => {
    t.dropIndex(['milestone_months', 'enrolment_id', 'done_on', 'situation'], 'follow_ups_milestone_situation_index');
  });
}
