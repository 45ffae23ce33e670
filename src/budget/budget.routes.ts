import { Router, type Request, type Response } from 'express';
import type { Db } from '../db/knex.js';
import { today } from '../db/time.js';
import { requireCan, requireSignedIn, signedIn } from '../auth/guards.js';
import type { ScopedGroup } from '../groups/group.js';
import { flash } from '../http/flash.js';
import { submitForm, type FormAgain } from '../http/forms.js';
import { oncePerForm } from '../http/once-per-form.js';
import { paths } from '../http/paths.js';
import type { FormErrors } from '../http/validation.js';
import {
  BUDGET_LINES, budgetOf, BudgetFunderForm, ErasmusForm, FUNDER_KINDS, FUNDER_STATUSES, FunderStatusForm, PlannedForm, plannedField, recordFunder,
  recordSpending, setErasmusActivity, setFunderStatus, setPlanned, SpendingForm, type Budget,
} from './budget.js';
import { DISTANCE_BANDS, GREEN_BANDS } from './distance-band.js';
import { rateFormValues, rateHistory, RatesForm, ratesFor, rateYears, setRates } from './erasmus.js';
import { eurosInField, formatEuros } from './money.js';
import { budgetFunderFor, budgetGroupFor } from './scope.js';

/** The form a refused post belongs to, so the page opens that one with its message (the others as they were). */
type BudgetForm = 'planned' | 'spending' | 'funder' | 'erasmus' | null;

export function budgetRoutes(db: Db): Router {
  const router = Router();

  const plannedValues = (b: Budget, lang: string) =>
    Object.fromEntries(b.lines.map((l) => [plannedField(l.line), eurosInField(l.plannedCents, lang)]));

  const renderBudget = async (req: Request, res: Response, group: ScopedGroup, again: FormAgain | null = null, form: BudgetForm = null) => {
    const budget = await budgetOf(db, group);
    const values = {
      ...plannedValues(budget, req.lang), spentOn: today(),
      distanceBand: budget.erasmusSetting?.distance_band ?? budget.measuredBand ?? '', greenTravel: budget.erasmusSetting?.green_travel ? '1' : '',
      // What was typed in the refused form wins over what is stored.
      ...(again?.values ?? {}),
    };
    res.status(again?.status ?? 200).render('budget/show', {
      title: res.locals.t('budget.titleOf', { group: group.name }), group, budget, values, errors: again?.errors ?? ({} as FormErrors), form,
      lines: BUDGET_LINES, kinds: FUNDER_KINDS, statuses: FUNDER_STATUSES, bands: DISTANCE_BANDS, greenBands: GREEN_BANDS,
      euros: (cents: number | null) => formatEuros(cents, req.lang),
    });
  };

  const backToBudget = (req: Request, res: Response, group: ScopedGroup, notice: string, anchor: string) => {
    flash(req, 'notice', notice);
    res.redirect(303, `${paths.groupBudget(group.id)}#${anchor}`);
  };

  router.get('/groups/:id/budget', requireSignedIn, async (req, res) => {
    const { group } = await budgetGroupFor(db, req, 'viewBudget');
    await renderBudget(req, res, group);
  });

  router.post('/groups/:id/budget/planned', requireSignedIn, async (req, res) => {
    const { user, group } = await budgetGroupFor(db, req, 'editBudget');
    const posted = await submitForm(req, PlannedForm, (f) => setPlanned(db, user, group.id, f), (again) => renderBudget(req, res, group, again, 'planned'));
    if (posted.ok) backToBudget(req, res, group, 'budget.plannedSaved', 'planned');
  });

  router.post('/groups/:id/budget/spendings', requireSignedIn, async (req, res) => {
    const { user, group } = await budgetGroupFor(db, req, 'editBudget');
    const posted = await submitForm(req, SpendingForm, (f) => oncePerForm(db, req, () => recordSpending(db, user, group.id, f)),
      (again) => renderBudget(req, res, group, again, 'spending'));
    if (posted.ok) backToBudget(req, res, group, 'budget.spendingSaved', 'spendings');
  });

  router.post('/groups/:id/budget/funders', requireSignedIn, async (req, res) => {
    const { group } = await budgetGroupFor(db, req, 'editBudget');
    const posted = await submitForm(req, BudgetFunderForm, (f) => oncePerForm(db, req, () => recordFunder(db, group.id, f)),
      (again) => renderBudget(req, res, group, again, 'funder'));
    if (posted.ok) backToBudget(req, res, group, 'budget.funderSaved', 'funders');
  });

  router.post('/groups/:id/budget/funders/:funderId/status', requireSignedIn, async (req, res) => {
    const { group, funderId } = await budgetFunderFor(db, req);
    const posted = await submitForm(req, FunderStatusForm, (f) => setFunderStatus(db, group.id, funderId, f.status),
      (again) => renderBudget(req, res, group, again, 'funder'));
    if (posted.ok) backToBudget(req, res, group, 'budget.funderSaved', 'funders');
  });

  router.post('/groups/:id/budget/erasmus', requireSignedIn, async (req, res) => {
    const { user, group } = await budgetGroupFor(db, req, 'editBudget');
    const posted = await submitForm(req, ErasmusForm, (f) => setErasmusActivity(db, user, group.id, f), (again) => renderBudget(req, res, group, again, 'erasmus'));
    if (posted.ok) backToBudget(req, res, group, 'budget.erasmusSaved', 'erasmus');
  });

  // ---- The structure's Erasmus+ rates, the director's ----

  const renderRates = async (req: Request, res: Response, year: number, again: FormAgain | null = null) => {
    const user = signedIn(req);
    const structureId = user.structureId!;
    const [current, history, years] = await Promise.all([ratesFor(db, structureId, year), rateHistory(db, structureId), rateYears(db, structureId)]);
    // A year without rates starts from the latest year's, which are usually the same or close.
    const start = current ?? (years[0] !== undefined ? await ratesFor(db, structureId, years[0]) : null);
    const values = { ...(start ? rateFormValues(start, year, (c) => eurosInField(c, req.lang)) : { year: String(year) }), ...(again?.values ?? {}) };
    res.status(again?.status ?? 200).render('budget/rates', {
      title: res.locals.t('budget.rates.title'), year, years, current, history, values, errors: again?.errors ?? {},
      bands: DISTANCE_BANDS, greenBands: GREEN_BANDS, euros: (cents: number | null) => formatEuros(cents, req.lang),
    });
  };

  router.get('/budget/rates', requireSignedIn, requireCan('editErasmusRates'), async (req, res) => {
    const asked = typeof req.query.year === 'string' && /^\d{4}$/.test(req.query.year) ? Number(req.query.year) : null;
    await renderRates(req, res, asked ?? new Date().getFullYear());
  });

  router.post('/budget/rates', requireSignedIn, requireCan('editErasmusRates'), async (req, res) => {
    const user = signedIn(req);
    const typedYear = Number(String(req.body?.year ?? ''));
    const posted = await submitForm(req, RatesForm, (f) => setRates(db, user, f),
      (again) => renderRates(req, res, Number.isInteger(typedYear) && typedYear > 0 ? typedYear : new Date().getFullYear(), again));
    if (!posted.ok) return;
    flash(req, 'notice', 'budget.rates.saved');
    res.redirect(303, `/budget/rates?year=${posted.data.year}`);
  });

  return router;
}
