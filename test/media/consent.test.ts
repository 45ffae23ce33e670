import { expect } from 'chai';
import dayjs from 'dayjs';
import { testDb } from '../support/database.js';
import { usersOnDemo } from '../support/accounts.js';
import { refusalOf } from '../support/refusal.js';
import { type DemoIds } from '../../src/demo/demo-data.js';
import { effectiveLevel, groupConsents, recordConsent, youthsLackingConsent } from '../../src/media/consent.js';
import { findMedium, recordMedium, setUseLevel, tagYouths, updateMedium, type MediumRow } from '../../src/media/medium.js';
import type { ConsentShortfall } from '../../src/media/consent.js';
import { enrolled, newGroup, youth } from '../participants/fixtures.js';

describe('image rights, enforced', () => {
  let ids: DemoIds;
  let karim: Express.User;
  let group: { id: number };
  // An adult, a minor (16 today) and a youth of another group.
  let adult: { enrolment_id: number; group_id: number; youth_id: number };
  let minor: { enrolment_id: number; group_id: number; youth_id: number };
  let outsider: number;

  const sixteen = () => dayjs().subtract(16, 'year').format('YYYY-MM-DD');

  before(async () => {
    ({ ids, karim } = await usersOnDemo('karim'));
    group = await newGroup(testDb(), ids.users.karim);
    adult = await enrolled(testDb(), group, youth('Awa', 'Keita'));
    minor = await enrolled(testDb(), group, youth('Noah', 'Petit', { birthDate: sixteen() }));
    outsider = (await testDb()('enrolments').where({ group_id: ids.groups.bafou }).first('youth_id')).youth_id;
  });

  async function newMedium(tagged: number[] = []): Promise<MediumRow> {
    const id = await recordMedium(testDb(), karim, { groupId: group.id, kind: 'report', input: { moment: 'before', caption: 'Test', body: 'Texte' }, file: null });
    const m = (await findMedium(testDb(), group.id, id))!;
    if (tagged.length) await tagYouths(testDb(), m, tagged);
    return (await findMedium(testDb(), group.id, id))!;
  }

  it('lets anything stay in the group, consent or not', async () => {
    const m = await newMedium([adult.youth_id, minor.youth_id]);
    await setUseLevel(testDb(), m, 'group');
    expect((await findMedium(testDb(), group.id, m.id))!.use_level).to.equal('group');
  });

  it('refuses restitution use while a youth in it has no consent recorded, naming them', async () => {
    const m = await newMedium([adult.youth_id]);
    const refused = await refusalOf<ConsentShortfall[]>(setUseLevel(testDb(), m, 'restitution'));
    expect(refused).to.include({ field: 'useLevel', messageKey: 'media.errors.consent' });
    expect(refused.detail).to.deep.equal([{ youthId: adult.youth_id, name: 'Awa Keita', reason: 'none' }]);
    expect((await findMedium(testDb(), group.id, m.id))!.use_level).to.equal('group');
  });

  it('allows it once the adult consents to restitution, but not public use', async () => {
    await recordConsent(testDb(), karim, adult, { level: 'restitution', parental: false });
    const m = await newMedium([adult.youth_id]);
    await setUseLevel(testDb(), m, 'restitution');
    expect((await findMedium(testDb(), group.id, m.id))!.use_level).to.equal('restitution');
    const refused = await refusalOf<ConsentShortfall[]>(setUseLevel(testDb(), m, 'public'));
    expect(refused.detail![0]!.reason).to.equal('level');
  });

  it('does not count a minor’s consent beyond the group without their parents', async () => {
    await recordConsent(testDb(), karim, minor, { level: 'public', parental: false });
    const [c] = await groupConsents(testDb(), group.id, [minor.youth_id]);
    expect(c).to.include({ effective: 'group', missingParental: true, minorToday: true });
    const m = await newMedium([minor.youth_id]);
    const refused = await refusalOf<ConsentShortfall[]>(setUseLevel(testDb(), m, 'restitution'));
    expect(refused.detail).to.deep.equal([{ youthId: minor.youth_id, name: 'Noah Petit', reason: 'parental' }]);

    await recordConsent(testDb(), karim, minor, { level: 'public', parental: true });
    await setUseLevel(testDb(), m, 'public');
    expect((await findMedium(testDb(), group.id, m.id))!.use_level).to.equal('public');
  });

  it('asks again of a youth who gave consent as a minor without their parents, even once of age', () => {
    const born = '2008-06-01';
    expect(effectiveLevel({ level: 'public', parental: false, recorded_at: '2025-01-10T10:00:00.000Z' }, born)).to.equal('group');
    expect(effectiveLevel({ level: 'public', parental: false, recorded_at: '2026-06-02T10:00:00.000Z' }, born)).to.equal('public');
    expect(effectiveLevel({ level: 'restitution', parental: true, recorded_at: '2025-01-10T10:00:00.000Z' }, born)).to.equal('restitution');
    expect(effectiveLevel(null, born)).to.equal('none');
  });

  it('checks the tags and the level together: adding a youth without consent to a public medium is refused', async () => {
    await recordConsent(testDb(), karim, adult, { level: 'public', parental: false });
    const m = await newMedium([adult.youth_id]);
    await setUseLevel(testDb(), m, 'public');
    const third = await enrolled(testDb(), group, youth('Lina', 'Morel'));
    const publicOne = (await findMedium(testDb(), group.id, m.id))!;
    const refused = await refusalOf(tagYouths(testDb(), publicOne, [adult.youth_id, third.youth_id]));
    expect(refused).to.include({ field: 'useLevel', messageKey: 'media.errors.consent' });
    expect((await testDb()('media_youths').where({ medium_id: m.id })).map((r) => r.youth_id)).to.deep.equal([adult.youth_id]);
    // The same change with the level brought back to the group goes through, in one step.
    await updateMedium(testDb(), { user: karim, record: { group: { id: group.id, access: 'lead' }, uploadedBy: karim.id } }, publicOne, { moment: 'before', caption: 'Test', body: null, youth: [adult.youth_id, third.youth_id], useLevel: 'group' });
    expect((await findMedium(testDb(), group.id, m.id))!.use_level).to.equal('group');
  });

  it('refuses to tag someone who is not in the group', async () => {
    const m = await newMedium();
    expect(await refusalOf(tagYouths(testDb(), m, [outsider]))).to.include({ field: 'youth', messageKey: 'media.errors.youth' });
  });

  it('brings media back within what is allowed when a youth narrows their consent', async () => {
    await recordConsent(testDb(), karim, adult, { level: 'public', parental: false });
    await recordConsent(testDb(), karim, minor, { level: 'public', parental: true });
    const both = await newMedium([adult.youth_id, minor.youth_id]);
    await setUseLevel(testDb(), both, 'public');
    const alone = await newMedium([minor.youth_id]);
    await setUseLevel(testDb(), alone, 'restitution');

    const { narrowedMedia } = await recordConsent(testDb(), karim, adult, { level: 'restitution', parental: false });
    expect(narrowedMedia).to.equal(1);
    expect((await findMedium(testDb(), group.id, both.id))!.use_level).to.equal('restitution');
    expect((await findMedium(testDb(), group.id, alone.id))!.use_level).to.equal('restitution');

    await recordConsent(testDb(), karim, adult, { level: 'none', parental: false });
    expect((await findMedium(testDb(), group.id, both.id))!.use_level).to.equal('group');
    expect(await youthsLackingConsent(testDb(), group.id, [adult.youth_id, minor.youth_id], 'restitution')).to.deep.equal([
      { youthId: adult.youth_id, name: 'Awa Keita', reason: 'none' },
    ]);
  });

  it('keeps every consent as a record: who said what, and when', async () => {
    const rows = await testDb()('image_consents').where({ enrolment_id: adult.enrolment_id }).orderBy('id');
    expect(rows.map((r) => r.level)).to.deep.equal(['restitution', 'public', 'public', 'restitution', 'none']);
    expect(rows.every((r) => r.recorded_by === ids.users.karim)).to.equal(true);
  });

  it('reads the demo consents: Yanis, a minor, gave his word without his parents', async () => {
    const consents = await groupConsents(testDb(), ids.groups.sadiola);
    const yanis = consents.find((c) => c.first_name === 'Yanis')!;
    expect(yanis).to.include({ effective: 'group', missingParental: true });
    expect(consents.find((c) => c.first_name === 'Inès')!.effective).to.equal('public');
    expect(consents.find((c) => c.first_name === 'Kevin')!.consent).to.equal(null);
  });
});
