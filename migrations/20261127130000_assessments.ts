import type { Knex } from 'knex';

/** The competences the project set out with (the examples); an admin edits the list afterwards. */
const FIRST_COMPETENCES: [key: string, fr: string, en: string][] = [
  ['language', 'Parler une autre langue', 'Speaking another language'],
  ['autonomy', 'Me débrouiller seul·e', 'Managing on my own'],
  ['confidence', 'Avoir confiance en moi', 'Believing in myself'],
  ['teamwork', 'Travailler en équipe', 'Working in a team'],
  ['openness', 'M’ouvrir aux autres cultures', 'Being open to other cultures'],
  ['local_life', 'Participer à la vie locale', 'Taking part in local life'],
  ['project', 'Porter un projet', 'Carrying a project'],
  ['storytelling', 'Raconter en images', 'Telling a story with images'],
];

// The before/after self-assessment: a youth rates themselves on each competence during the preparation
// and again after the return. Competences are data; one that has answers is deactivated, never deleted
// (the foreign key refuses it too), so a past group's answers keep their meaning.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('competences', (t) => {
    t.increments('id');
    // A stable name for the code (its pictogram) and the forms; the labels are what people read.
    t.string('key', 40).notNullable().unique();
    t.string('label_fr', 120).notNullable();
    t.string('label_en', 120).notNullable();
    t.integer('position').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
  });
  await knex.schema.createTable('assessments', (t) => {
    t.increments('id');
    t.integer('enrolment_id').notNullable().references('id').inTable('enrolments').onDelete('CASCADE');
    t.string('moment', 8).notNullable(); // before | after
    t.string('filled_at', 30).notNullable();
    // Always the youth's own account; kept so the record says who answered.
    t.integer('filled_by').references('id').inTable('users').onDelete('SET NULL');
    // "How I see the country / my own life", in the youth's words.
    t.text('free_text');
    t.unique(['enrolment_id', 'moment']);
  });
  await knex.schema.createTable('assessment_answers', (t) => {
    t.integer('assessment_id').notNullable().references('id').inTable('assessments').onDelete('CASCADE');
    t.integer('competence_id').notNullable().references('id').inTable('competences').onDelete('RESTRICT');
    t.integer('score').notNullable().checkBetween([1, 5]);
    t.primary(['assessment_id', 'competence_id']);
    t.index(['competence_id']);
  });
  const now = new Date().toISOString();
  await knex('competences').insert(
    FIRST_COMPETENCES.map(([key, fr, en], i) => ({ key, label_fr: fr, label_en: en, position: i + 1, active: true, created_at: now, updated_at: now })),
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('assessment_answers');
  await knex.schema.dropTable('assessments');
  await knex.schema.dropTable('competences');
}
