import type { Db } from '../db/knex.js';

export interface GroupYouth {
  enrolment_id: number;
  youth_id: number;
  first_name: string;
  last_name: string;
  birth_date: string;
  role: 'participant' | 'peer_leader';
  status: 'enrolled' | 'withdrawn';
  user_id: number | null;
}

export function listGroupYouths(db: Db, groupId: number): Promise<GroupYouth[]> {
  return db('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .where('enrolments.group_id', groupId)
    .orderBy([{ column: 'youths.last_name' }, { column: 'youths.first_name' }])
    .select(
      'enrolments.id as enrolment_id', 'youths.id as youth_id', 'youths.first_name', 'youths.last_name',
      'youths.birth_date', 'enrolments.role', 'enrolments.status', 'youths.user_id',
    );
}
