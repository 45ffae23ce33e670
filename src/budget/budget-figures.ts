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

/** Three sums over the same groups, side by side: no youth is read, so there is no small count to hide. */
export async function budgetTotals({ db, scope, filters }: FigureQuery): Promise<BudgetTotals> {
  const groups = () => whereGroups(db({ g: 'groups' }), scope, filters).select('g.id');
  const [planned, granted, spent] = await Promise.all([
    db('budget_planned').whereIn('group_id', groups()).first(db.raw('sum(amount_cents) as total'), db.raw('count(distinct group_id) as n')),
    db('group_funders').whereIn('group_id', groups()).whereIn('status', COMMITTED).first(db.raw('sum(amount_cents) as total')),
    db('budget_spendings').whereIn('group_id', groups()).first(db.raw('sum(amount_cents) as total')),
  ]);
  return { plannedCents: toNumber(planned?.total), grantedCents: toNumber(granted?.total), spentCents: toNumber(spent?.total), groupsPlanned: toNumber(planned?.n) };
}
