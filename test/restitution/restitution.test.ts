import { expect } from 'chai';
import { testDb } from '../support/database.js';
import { usersOnDemo } from '../support/accounts.js';
import { refusalOf } from '../support/refusal.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { parseForm } from '../../src/http/validation.js';
import { groupFunnel, restitutionParticipants } from '../../src/participants/funnel.js';
import {
  eventForm, listEvents, peopleReached, presentingEnrolments, recordEvent, updateEvent, youthCredits, type EventInput,
} from '../../src/restitution/restitution.js';
import { reachVerdict, restitutionSummary } from '../../src/restitution/summary.js';
import { recordMedium } from '../../src/media/medium.js';
import { enrolled, enrolmentOf, newGroup, putInPhase, youth } from '../participants/fixtures.js';

const TODAY = new Date().toISOString().slice(0, 10);

/** The form as a worker fills it, checked by the same schema as the page. */
function event(fields: Record<string, string | string[]>, returnDate: string | null = '2020-01-10'): EventInput {
  const form = parseForm(eventForm(returnDate), { heldOn: '2020-03-01', type: 'school', audienceTotal: '30', ...fields });
  if (!form.ok) throw new Error(JSON.stringify(form.errors));
  return form.data;
}
const errorsOf = (fields: Record<string, string | string[]>, returnDate: string | null = '2020-01-10') => {
  const form = parseForm(eventForm(returnDate), { heldOn: '2020-03-01', type: 'school', ...fields });
  return form.ok ? {} : form.errors;
};

describe('restitution events and people reached', () => {
  let ids: DemoIds;
  let karim: Express.User;
  before(async () => ({ ids, karim } = await usersOnDemo('karim')));

  describe('the event form', () => {
    it('takes a total alone, or youths and adults whose sum becomes the total', () => {
      expect(event({ audienceTotal: '1 200' }).audienceTotal).to.equal(1200);
      const split = event({ audienceTotal: '', audienceYouths: '40', audienceAdults: '15' });
      expect([split.audienceTotal, split.audienceYouths, split.audienceAdults]).to.deep.equal([55, 40, 15]);
    });

    it('refuses negative, fractional and huge audiences, and a split bigger than the total', () => {
      expect(errorsOf({ audienceTotal: '-5' })).to.deep.equal({ audienceTotal: 'restitution.errors.count' });
      expect(errorsOf({ audienceTotal: '12.5' })).to.deep.equal({ audienceTotal: 'restitution.errors.count' });
      expect(errorsOf({ audienceTotal: '250000' })).to.deep.equal({ audienceTotal: 'restitution.errors.tooMany' });
      expect(errorsOf({ audienceTotal: '30', audienceYouths: '25', audienceAdults: '10' })).to.deep.equal({ audienceTotal: 'restitution.errors.splitTooBig' });
      expect(errorsOf({ audienceYouths: '25' })).to.deep.equal({ audienceTotal: 'restitution.errors.totalRequired' });
    });

    it('refuses impossible dates, events to come, and events before the group came back', () => {
      expect(errorsOf({ audienceTotal: '10', heldOn: '2020-02-30' })).to.deep.equal({ heldOn: 'validation.dateImpossible' });
      expect(errorsOf({ audienceTotal: '10', heldOn: `${Number(TODAY.slice(0, 4)) + 1}-01-01` })).to.deep.equal({ heldOn: 'restitution.errors.future' });
      expect(errorsOf({ audienceTotal: '10', heldOn: '2020-01-09' })).to.deep.equal({ heldOn: 'restitution.errors.beforeReturn' });
      expect(errorsOf({ audienceTotal: '10', type: 'concert' })).to.deep.equal({ type: 'restitution.errors.type' });
    });
  });

  describe('a group back from its stay', () => {
    let group: { id: number; phase: 'preparation' | 'departure' | 'stay' | 'return' | 'restitution' | 'after' };
    const e: Record<string, number> = {};

    before(async () => {
      group = await newGroup(testDb(), ids.users.karim);
      await testDb()('groups').where({ id: group.id }).update({ return_date: '2020-01-10' });
      for (const name of ['Ali', 'Béa', 'Cyril', 'Dana']) e[name] = (await enrolled(testDb(), group, youth(name, 'Restitution'))).enrolment_id;
      await putInPhase(testDb(), group, 'restitution');
      await recordEvent(testDb(), karim, group, event({ type: 'ssi', audienceTotal: '120', audienceYouths: '110', audienceAdults: '10', presenter: [String(e.Ali), String(e.Béa)] }));
      await recordEvent(testDb(), karim, group, event({ type: 'public_meeting', heldOn: '2020-04-02', audienceTotal: '45', presenter: String(e.Ali) }));
      await recordEvent(testDb(), karim, group, event({ type: 'radio_press', heldOn: '2020-05-01', audienceTotal: '15' }));
    });

    it('adds up the audiences of its events as the people it reached', async () => {
      expect(await peopleReached(testDb(), group.id)).to.equal(180);
      expect((await listEvents(testDb(), group.id)).map((x) => x.type)).to.deep.equal(['radio_press', 'public_meeting', 'ssi']);
    });

    it('credits each youth who presented with their events and the people those reached', async () => {
      const credits = await youthCredits(testDb(), group.id);
      expect(credits.map((c) => [c.first_name, c.events, c.audience])).to.deep.equal([['Ali', 2, 165], ['Béa', 1, 120]]);
      expect([...(await presentingEnrolments(testDb(), group.id))]).to.have.members([e.Ali, e.Béa]);
    });

    it('counts the presenters in the funnel’s restitution step', async () => {
      expect([...(await restitutionParticipants(testDb(), group.id))]).to.have.members([e.Ali, e.Béa]);
      const funnel = await groupFunnel(testDb(), group);
      expect(funnel.steps.find((s) => s.key === 'restitution')).to.deep.include({ reached: true, count: 2 });
    });

    it('puts the people reached per departed youth next to the rule of thumb', async () => {
      const summary = (await restitutionSummary(testDb(), group, false))!;
      expect(summary).to.deep.include({ events: 3, peopleReached: 180, departed: 4, perDeparted: 45, verdict: 'above', followUps: null });
      expect([reachVerdict(29), reachVerdict(30), reachVerdict(40), reachVerdict(41), reachVerdict(null)]).to.deep.equal(['below', 'within', 'within', 'above', null]);
    });

    it('refuses a presenter from another group, and changes nothing', async () => {
      const other = await enrolmentOf(testDb(), ids.groups.bafou, 'Lucas');
      const [first] = await listEvents(testDb(), group.id);
      const refused = await refusalOf(updateEvent(testDb(), first!, event({ audienceTotal: '999', presenter: [String(e.Cyril), String(other)] })));
      expect(refused).to.include({ field: 'presenter', messageKey: 'restitution.errors.presenterUnknown' });
      expect(await peopleReached(testDb(), group.id)).to.equal(180);
    });
  });

  describe('media shown', () => {
    let group: { id: number; phase: 'restitution' };
    let media: Record<string, number>;
    before(async () => {
      group = { id: ids.groups.bafou, phase: 'restitution' };
      const rows: { id: number; caption: string; use_level: string }[] = await testDb()('media').where({ group_id: group.id }).select('id', 'caption', 'use_level');
      media = Object.fromEntries(rows.map((m) => [m.use_level, m.id]));
    });

    it('shows only media whose use level allows restitution, as the youths consented', async () => {
      expect(media.restitution, 'a demo medium cleared for restitution').to.be.a('number');
      const returnDate = (await testDb()('groups').where({ id: group.id }).first('return_date')).return_date;
      const id = await recordEvent(testDb(), karim, group, event({ heldOn: TODAY, medium: [String(media.restitution), String(media.public)] }, returnDate));
      const shown = (await listEvents(testDb(), group.id)).find((x) => x.id === id)!;
      expect(shown.media.map((m) => m.id)).to.have.members([media.restitution, media.public]);
    });

    it('refuses a medium kept for the group only', async () => {
      // A new medium stays in the group.
      const groupOnly = { id: await recordMedium(testDb(), karim, { groupId: group.id, kind: 'report', input: { moment: 'during', caption: null, body: 'Notre journée au marché' }, file: null }) };
      const returnDate = (await testDb()('groups').where({ id: group.id }).first('return_date')).return_date;
      const refused = await refusalOf(recordEvent(testDb(), karim, group, event({ heldOn: TODAY, medium: String(groupOnly.id) }, returnDate)));
      expect(refused).to.include({ field: 'medium', messageKey: 'restitution.errors.mediumNotAllowed' });
    });

    it('stops listing a medium whose use was narrowed after a consent changed', async () => {
      await testDb()('media').where({ id: media.restitution }).update({ use_level: 'group' });
      const events = await listEvents(testDb(), group.id);
      const withIt = events.filter((x) => x.withdrawnMedia > 0);
      expect(withIt.length).to.be.greaterThan(0);
      expect(events.flatMap((x) => x.media.map((m) => m.id))).not.to.include(media.restitution);
      await testDb()('media').where({ id: media.restitution }).update({ use_level: 'restitution' });
    });
  });

  it('gives the demo groups their people reached: Bafou within the rule of thumb, the dispensary above it', async () => {
    const bafou = await restitutionSummary(testDb(), { id: ids.groups.bafou, phase: 'restitution' }, true);
    expect(await peopleReached(testDb(), ids.groups.dispensaire)).to.equal(295);
    const dispensaire = (await restitutionSummary(testDb(), { id: ids.groups.dispensaire, phase: 'after' }, true))!;
    expect(dispensaire).to.deep.include({ events: 3, departed: 5, perDeparted: 59, verdict: 'above' });
    expect(dispensaire.followUps).to.deep.include({ planned: 36, due: 35, reached: 29, triedNotReached: 2, notTried: 4 });
    expect(bafou).to.not.equal(null);
    expect(await restitutionSummary(testDb(), { id: ids.groups.sadiola, phase: 'preparation' }, true)).to.equal(null);
  });
});
