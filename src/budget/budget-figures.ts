import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { whereGroups, type ReportFilters, type ReportScope } from '../reports/filters.js';
import { COMMITTED } from './budget.js';

/** The dashboard's money: planned, granted (or paid) and spent, over the groups of the reader's scope and filters. */
export interface BudgetTotals {
  plannedCents: number;
  grantedCents: number;
  spentCents: number;
  /** Groups with at least one planned line: the totals are only as complete as this. */
  groupsPlanned: number;
}

interface FigureQuery {
  db: Db;
  scope: ReportScope;
  filters: ReportFilters;
}

/** Three sums over the same groups, in one query: no youth is read, so there is no small count to hide. */
export async function budgetTotals({ db, scope, filters }: FigureQuery): Promise<BudgetTotals> {
  const groups = () => whereGroups(db({ g: 'groups' }), scope, filters).select('g.id');
  const row = await db.first(
    db('budget_planned').whereIn('group_id', groups()).sum('amount_cents').as('planned'),
    db('budget_planned').whereIn('group_id', groups()).countDistinct('group_id').as('groups_planned'),
    db('group_funders').whereIn('group_id', groups()).whereIn('status', COMMITTED).sum('amount_cents').as('granted'),
    db('budget_spendings').whereIn('group_id', groups()).sum('amount_cents').as('spent'),
  );
  return { plannedCents: toNumber(row?.planned), grantedCents: toNumber(row?.granted), spentCents: toNumber(row?.spent), groupsPlanned: toNumber(row?.groups_planned) };
}
