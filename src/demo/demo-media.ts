import dayjs from 'dayjs';
import { insertedId } from '../db/knex.js';
import type { Db } from '../db/knex.js';
import type { ConsentLevel, UseLevel } from '../media/consent.js';
import type { Moment } from '../media/medium.js';
import type { DemoIds } from './demo-data.js';

/**
 * The logbook of the demo groups and their youths' image rights. Only written pages, no files: the demo
 * carries no binaries (videos are what people add when they try it). Texts are invented, in the spirit of
 * the proceedings: the clichés before the stay, "how their perception evolved" after it.
 */

interface DemoPage {
  group: keyof DemoIds['groups'];
  /** A youth of the group (first name) when the youth wrote it; otherwise the group's lead worker did. */
  author?: string;
  moment: Moment;
  /** Days from the group's departure (negative: before it). */
  day: number;
  caption: string;
  body: string;
  tagged?: string[];
  useLevel?: UseLevel;
}

const PAGES: DemoPage[] = [
  {
    group: 'sadiola', author: 'Inès', moment: 'before', day: -130, caption: 'Ce que j’imagine du Mali',
    body: 'Je n’ai jamais pris l’avion. Quand je pense au Mali, je pense à la chaleur, au désert et aux enfants qui n’ont rien. '
      + 'Je ne sais pas si c’est vrai. J’ai un peu peur de ne pas comprendre les gens, et qu’ils nous voient comme des touristes.',
    tagged: ['Inès'],
  },
  {
    group: 'sadiola', moment: 'before', day: -125, caption: 'Séance interculturelle : nos clichés',
    body: 'On a écrit au tableau les images qu’on a de l’Afrique : la misère, la guerre, les safaris. Mamadou a raconté le village '
      + 'de son père, près de Kayes. On gardera la liste pour la relire au retour.',
    tagged: ['Inès', 'Mamadou', 'Yanis'],
  },
  {
    group: 'bafou', author: 'Lucas', moment: 'before', day: -60, caption: 'Mon avant',
    body: 'Pour moi le Cameroun, c’est le foot et la pauvreté. Je pars pour faire du théâtre, mais je ne sais pas ce que les jeunes '
      + 'de Bafou vont penser de nous.',
    tagged: ['Lucas'], useLevel: 'public',
  },
  {
    group: 'bafou', moment: 'during', day: 5, caption: 'Journal du séjour, jour 5',
    body: 'Répétition à la MJC de Bafou le matin, marché l’après-midi. Amina et Lucas ont joué la scène du marché devant les familles.',
    tagged: ['Lucas', 'Amina'], useLevel: 'restitution',
  },
  {
    group: 'bafou', author: 'Lucas', moment: 'after', day: 30, caption: 'Mon après',
    body: 'Les jeunes de Bafou ont monté une pièce en deux jours. Ils n’attendaient pas qu’on les aide : on a travaillé ensemble. '
      + 'Maintenant je veux ouvrir un atelier théâtre au centre social, ici.',
    tagged: ['Lucas'], useLevel: 'public',
  },
  {
    group: 'maroc', moment: 'during', day: 3, caption: 'Jour 3 sur le chantier',
    body: 'Les murs de la salle sont montés jusqu’aux fenêtres. Nour traduit pour tout le monde ; Hugo apprend à faire l’enduit.',
    tagged: ['Nour', 'Hugo'],
  },
];

/** Image rights in the demo: some given, one minor without their parents' word yet, most not recorded. */
const CONSENTS: { group: keyof DemoIds['groups']; youth: string; level: ConsentLevel; parental: boolean }[] = [
  { group: 'sadiola', youth: 'Inès', level: 'public', parental: false },
  { group: 'sadiola', youth: 'Mamadou', level: 'restitution', parental: false },
  { group: 'sadiola', youth: 'Yanis', level: 'restitution', parental: false },
  { group: 'bafou', youth: 'Lucas', level: 'public', parental: false },
  { group: 'bafou', youth: 'Amina', level: 'restitution', parental: true },
  { group: 'bafou', youth: 'Théo', level: 'group', parental: false },
];

export async function loadDemoMedia(trx: Db, ids: DemoIds, today: dayjs.Dayjs): Promise<void> {
  const youthOf = async (group: number, firstName: string) => {
    const row = await trx('enrolments')
      .join('youths', 'youths.id', 'enrolments.youth_id')
      .where({ 'enrolments.group_id': group, 'youths.first_name': firstName })
      .first('enrolments.id as enrolment_id', 'youths.id as youth_id', 'youths.user_id');
    if (!row) throw new Error(`demo media: no ${firstName} in group ${group}`);
    return row as { enrolment_id: number; youth_id: number; user_id: number | null };
  };
  const leadOf = async (group: number): Promise<number> => (await trx('group_workers').where({ group_id: group, role: 'lead' }).first('user_id')).user_id;

  for (const c of CONSENTS) {
    const group = ids.groups[c.group];
    const y = await youthOf(group, c.youth);
    await trx('image_consents').insert({
      enrolment_id: y.enrolment_id, level: c.level, parental: c.parental, recorded_by: await leadOf(group),
      recorded_at: today.subtract(90, 'day').toISOString(),
    });
  }

  for (const p of PAGES) {
    const group = ids.groups[p.group];
    const { departure_date: departure } = await trx('groups').where({ id: group }).first('departure_date');
    const at = dayjs(departure).add(p.day, 'day').hour(19).toISOString();
    const author = p.author ? await youthOf(group, p.author) : null;
    const [row] = await trx('media')
      .insert({
        group_id: group, kind: 'report', moment: p.moment, caption: p.caption, body: p.body,
        uploaded_by: author?.user_id ?? (await leadOf(group)), youth_id: author?.youth_id ?? null,
        use_level: p.useLevel ?? 'group', created_at: at, updated_at: at,
      })
      .returning('id');
    const mediumId = insertedId(row);
    for (const name of p.tagged ?? []) {
      await trx('media_youths').insert({ medium_id: mediumId, youth_id: (await youthOf(group, name)).youth_id });
    }
  }
}
