import type { Knex } from 'knex';

// Indexes for the outcome dashboard (src/reports), chosen with `npm run bench:dashboard` on ten years of a
// network (200,000 attendance lines, 100,000 self-assessment answers):
// - attendance by meeting with its status: the preparation attendance rate reads only these two columns,
//   so SQLite answers from the index without visiting the table (about 60 → 30 ms);
// - self-assessment answers by competence with assessment and score: the averages per competence read
//   them in index order instead of sorting them (about 36 → 18 ms).
// A covering index for overdue follow-ups was tried and left out: it saved under 2 ms.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('attendance', (t) => {
    t.index(['meeting_id', 'status'], 'attendance_meeting_status_index');
  });
  await knex.schema.alterTable('assessment_answers', (t) => {
    t.index(['competence_id', 'assessment_id', 'score'], 'assessment_answers_scores_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('assessment_answers', (t) => {
    t.dropIndex(['competence_id', 'assessment_id', 'score'], 'assessment_answers_scores_index');
  });
  await knex.schema.alterTable('attendance', (t) => {
    t.dropIndex(['meeting_id', 'status'], 'attendance_meeting_status_index');
  });
}
