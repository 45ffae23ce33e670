import { expect } from 'chai';
import { testDb } from '../support/database.js';
import { userFor, usersOnDemo } from '../support/accounts.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { defaultRequirements, requirementsOf, type Requirement } from '../../src/documents/requirements.js';
import { setNetworkPapers, setStructurePapers } from '../../src/structures/papers.js';
import { newGroup } from '../participants/fixtures.js';

const asked = (list: Requirement[]) => list.filter((r) => r.enabled).map((r) => r.kind);
const groupRules = async (id: number) => {
  const group = await testDb()('groups').where({ id }).first('id', 'destination_country');
  return (await requirementsOf(testDb(), [{ id: Number(group.id), destination_country: group.destination_country }])).get(Number(group.id))!;
};

describe('the papers a network and its structures ask of new groups', () => {
  let ids: DemoIds;
  let admin: Express.User;
  before(async () => ({ ids, admin } = await usersOnDemo('admin')));

  it('starts from the destination, then asks or leaves out each paper as the list says', () => {
    expect(asked(defaultRequirements('MA'))).to.deep.equal(['passport_or_id', 'insurance', 'exit_authorisation', 'parent_id', 'image_rights']);
    const ruled = defaultRequirements('MA', { health: 'always', image_rights: 'never' });
    expect(asked(ruled)).to.deep.equal(['passport_or_id', 'insurance', 'exit_authorisation', 'parent_id', 'health']);
    // Asked everywhere, a health paper of a destination with no vaccination is "other".
    expect(ruled.find((r) => r.kind === 'health')!.detail).to.equal('other');
    expect(asked(defaultRequirements('ML', { health: 'never' }))).to.not.include('health');
  });

  it('gives a new group its structure\'s list over its network\'s; the groups that existed keep their papers', async () => {
    const coordinator = await userFor(testDb(), ids.users.coordinator);
    const algerieBefore = asked(await groupRules(ids.groups.algerie));
    expect(algerieBefore).to.not.include('health');

    // The network asks for a health paper whatever the destination; the mission locale leaves it out and
    // asks for no image rights either; the MJC keeps the network's list.
    await setNetworkPapers(testDb(), coordinator, ids.network, { health: 'always' });
    await setStructurePapers(testDb(), admin, ids.structures['Mission locale du Douaisis']!, { health: 'never', image_rights: 'never' });

    const atMissionLocale = await newGroup(testDb(), ids.users.karim, { country: 'ML' });
    const atMjc = await newGroup(testDb(), ids.users.elodie, { country: 'MA' });
    expect(asked(await groupRules(atMissionLocale.id))).to.deep.equal(['passport_or_id', 'visa', 'insurance', 'exit_authorisation', 'parent_id']);
    expect(asked(await groupRules(atMjc.id))).to.include('health').and.include('image_rights');
    expect(asked(await groupRules(ids.groups.algerie))).to.deep.equal(algerieBefore);

    // A group created under the new list keeps it when the list changes again.
    await setStructurePapers(testDb(), admin, ids.structures['Mission locale du Douaisis']!, {});
    expect(asked(await groupRules(atMissionLocale.id))).to.not.include('health');
    expect(asked(await groupRules((await newGroup(testDb(), ids.users.karim, { country: 'ML' })).id))).to.include('health').and.include('image_rights');
  });

  it('records each change with who made it, and nothing when the list stays the same', async () => {
    const before = Number((await testDb()('structure_setting_changes').count({ n: '*' }).first())!.n);
    expect(await setStructurePapers(testDb(), admin, ids.structures['Mission locale du Douaisis']!, {})).to.equal(false);
    expect(await setStructurePapers(testDb(), admin, ids.structures['Mission locale du Douaisis']!, { visa: 'always' })).to.equal(true);
    const changes = await testDb()('structure_setting_changes').where({ setting: 'papers' }).orderBy('id').select('value', 'changed_by');
    expect(changes.at(-1)).to.deep.equal({ value: '{"visa":"always"}', changed_by: ids.users.admin });
    expect(Number((await testDb()('structure_setting_changes').count({ n: '*' }).first())!.n)).to.equal(before + 1);
    const network = await testDb()('network_setting_changes').select('network_id', 'setting', 'value', 'changed_by_name');
    expect(network).to.deep.equal([{ network_id: ids.network, setting: 'papers', value: '{"health":"always"}', changed_by_name: 'Hélène Vasseur' }]);
  });
});
