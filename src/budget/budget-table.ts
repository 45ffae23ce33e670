import type { ReportTable } from '../reports/tables.js';
import type { BudgetTotals } from './budget-figures.js';
import { formatEuros } from './money.js';

type T = (key: string, options?: Record<string, unknown>) => string;

/**
 * The dashboard's budget section, as the page, the CSV and the PDF show it (they all take the dashboard's
 * tables): one line per measure, in euros. Its own table so the other sections are untouched by it.
 */
export function budgetTable(b: BudgetTotals, t: T, lang: string): ReportTable {
  const euros = (cents: number) => ({ value: cents, kind: 'euros' as const });
  return {
    key: 'budget',
    title: t('budget.report.title'),
    description: t('budget.report.description', {
      planned: formatEuros(b.plannedCents, lang), granted: formatEuros(b.grantedCents, lang), spent: formatEuros(b.spentCents, lang), count: b.groupsPlanned,
    }),
    headers: [t('budget.report.measure'), t('budget.report.amount')],
    rows: [
      [{ value: t('budget.planned'), kind: 'text' }, euros(b.plannedCents)],
      [{ value: t('budget.granted'), kind: 'text' }, euros(b.grantedCents)],
      [{ value: t('budget.spent'), kind: 'text' }, euros(b.spentCents)],
    ],
  };
}
