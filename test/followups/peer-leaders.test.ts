import { expect } from 'chai';
import { testDb } from '../support/database.js';
import { usersOnDemo } from '../support/accounts.js';
import { refusalOf } from '../support/refusal.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import {
  enrolPeerLeader, peerLeaderCandidates, peerLeaderTargets, youthHistory,
} from '../../src/followups/peer-leaders.js';
import { knownEngagements, listFollowUps } from '../../src/followups/followup.js';
import { newGroup, putInPhase, youthOf } from '../participants/fixtures.js';

describe('peer leaders: one youth, one file, several groups', () => {
  let ids: DemoIds;
  let karim: Express.User;
  let elodie: Express.User;

  before(async () => ({ ids, karim, elodie } = await usersOnDemo('karim', 'elodie')));

  it('shows the demo peer leader’s history: the dispensary group as participant, then Sadiola as peer leader', async () => {
    const aicha = await youthOf(testDb(), ids.groups.dispensaire, 'Aïcha');
    expect(Number((await testDb()('youths').where({ first_name: 'Aïcha', last_name: 'Diallo' }).count('* as n').first())!.n)).to.equal(1);
    const history = await youthHistory(testDb(), aicha);
    expect(history.map((h) => [h.group_name, h.role, h.status])).to.deep.equal([
      ['Finir le dispensaire et la classe', 'participant', 'enrolled'],
      ['Rencontre des jeunes de Sadiola', 'peer_leader', 'enrolled'],
    ]);
    expect(history[0]!.events_presented).to.equal(2);
    expect(history[1]!.events_presented).to.equal(0);
  });

  it('enrols a youth of a group that is back into a later group as peer leader, keeping their one file', async () => {
    const later = await newGroup(testDb(), ids.users.karim);
    const candidates = await peerLeaderCandidates(testDb(), karim, later.id);
    // Karim sees the groups he leads that are back: the dispensary (after) and Algeria (return).
    expect(candidates.map((g) => g.group_name)).to.have.members(['Finir le dispensaire et la classe', 'Construire parasismique en Algérie']);
    const sofiane = await youthOf(testDb(), ids.groups.dispensaire, 'Sofiane');
    const enrolmentId = await enrolPeerLeader(testDb(), karim, later, sofiane);

    const enrolment = await testDb()('enrolments').where({ id: enrolmentId }).first();
    expect(enrolment).to.include({ group_id: later.id, youth_id: sofiane, role: 'peer_leader', status: 'enrolled' });
    // What he was doing when he joined is what his last follow-up said.
    expect(enrolment.situation_at_enrolment).to.equal('employed');
    expect((await youthHistory(testDb(), sofiane)).map((h) => h.role)).to.deep.equal(['participant', 'peer_leader']);
    expect((await peerLeaderCandidates(testDb(), karim, later.id)).flatMap((g) => g.youths.map((y) => y.youth_id))).not.to.include(sofiane);
  });

  it('refuses the same youth twice, a youth out of the worker’s sight, and a group that has left', async () => {
    const later = await newGroup(testDb(), ids.users.karim);
    const laura = await youthOf(testDb(), ids.groups.dispensaire, 'Laura');
    await enrolPeerLeader(testDb(), karim, later, laura);
    const refusal = async (p: Promise<unknown>) => {
      const refused = await refusalOf(p);
      expect(refused.field).to.equal('youthId');
      return refused.messageKey;
    };

    expect(await refusal(enrolPeerLeader(testDb(), karim, later, laura))).to.equal('followups.peerLeader.errors.already');
    // Lucas is in the Bafou group, which Karim does not see.
    const lucas = await youthOf(testDb(), ids.groups.bafou, 'Lucas');
    expect(await refusal(enrolPeerLeader(testDb(), karim, later, lucas))).to.equal('followups.peerLeader.errors.unknown');
    // A youth still preparing (Sadiola) has no trip to pass on yet.
    const ines = await youthOf(testDb(), ids.groups.sadiola, 'Inès');
    expect(await refusal(enrolPeerLeader(testDb(), karim, later, ines))).to.equal('followups.peerLeader.errors.unknown');
    await putInPhase(testDb(), later, 'stay');
    const dylan = await youthOf(testDb(), ids.groups.dispensaire, 'Dylan');
    expect(await refusal(enrolPeerLeader(testDb(), karim, later, dylan))).to.equal('followups.peerLeader.errors.groupLeft');
  });

  it('offers to bring a youth back only into groups the worker leads that have not left, in the structure of their file', async () => {
    const missionLocale = ids.structures['Mission locale du Douaisis']!;
    const dylan = await youthOf(testDb(), ids.groups.dispensaire, 'Dylan');
    const targets = (await peerLeaderTargets(testDb(), karim, dylan, missionLocale)).map((g) => g.name);
    expect(targets).to.include('Rencontre des jeunes de Sadiola');
    expect(targets).not.to.include('Finir le dispensaire et la classe');
    // Élodie leads the MJC's Kawara group: a youth of the mission locale comes there with a file of the MJC, linked.
    expect((await peerLeaderTargets(testDb(), elodie, dylan, missionLocale)).map((g) => g.name)).to.deep.equal([]);
    expect((await peerLeaderTargets(testDb(), elodie, dylan, ids.structures["MJC d'Halluin"]!)).map((g) => g.name)).to.deep.equal(['Jumelage Le Portel – Kawara']);
    const aicha = await youthOf(testDb(), ids.groups.dispensaire, 'Aïcha');
    expect((await peerLeaderTargets(testDb(), karim, aicha, missionLocale)).map((g) => g.name)).not.to.include('Rencontre des jeunes de Sadiola');
  });

  it('does not offer the youths of another structure’s group, even to a worker lent to it', async () => {
    // Élodie co-leads the mission locale's Algeria group (back) and leads the MJC's Kawara group.
    const kawara = { id: ids.groups.kawara, phase: 'departure' as const };
    const candidates = await peerLeaderCandidates(testDb(), elodie, kawara.id);
    expect(candidates.map((g) => g.group_name)).not.to.include('Construire parasismique en Algérie');
    const algerian = await youthOf(testDb(), ids.groups.algerie, (await testDb()('enrolments').join('youths', 'youths.id', 'enrolments.youth_id').where('enrolments.group_id', ids.groups.algerie).first('youths.first_name')).first_name);
    expect((await refusalOf(enrolPeerLeader(testDb(), elodie, kawara, algerian))).messageKey).to.equal('followups.peerLeader.errors.unknown');
  });

  it('knows a peer leader and a youth who presented, to tick on their next follow-up', async () => {
    const dispensaire = await listFollowUps(testDb(), ids.groups.dispensaire);
    const aichaLast = dispensaire.find((f) => f.first_name === 'Aïcha' && f.milestone_months === 12)!;
    expect(await knownEngagements(testDb(), aichaLast)).to.have.members(['spoke_at_restitution', 'peer_leader']);
    const emma = dispensaire.find((f) => f.first_name === 'Emma')!;
    expect(await knownEngagements(testDb(), emma)).to.deep.equal([]);
  });
});
