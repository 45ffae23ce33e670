import { Router, type Request } from 'express';
import type { Db } from '../db/knex.js';
import { requireSignedIn, signedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { recordAudit } from '../documents/audit-log.js';
import { loadVisibleGroup } from '../groups/group.js';
import { notFound } from '../http/errors.js';
import { today } from '../db/time.js';
import { erasmusCsv, erasmusExport, writeErasmusXlsx } from './erasmus-export.js';

/**
 * The group's youths in the Erasmus+ Beneficiary Module's import layout. Refused is not found: the file is
 * the youths' files, whose very list a youth of the group or anyone outside it does not get to see.
 */
export function erasmusRoutes(db: Db): Router {
  const router = Router();

  const exportFor = async (req: Request, format: 'xlsx' | 'csv') => {
    const user = signedIn(req);
    const group = await loadVisibleGroup(db, user, req.params.id);
    if (!can(user, 'exportErasmus', group)) throw notFound();
    const data = await erasmusExport(db, group);
    await recordAudit(db, user, 'erasmus.export', { groupId: group.id, subjectType: 'group', subjectId: group.id, details: { format, year: data.year, youths: data.youths, adults: data.adults } });
    return { group, data, filename: `erasmus-${data.year}-groupe-${group.id}-${today()}.${format}` };
  };

  router.get('/groups/:id/erasmus.xlsx', requireSignedIn, async (req, res) => {
    const { data, filename } = await exportFor(req, 'xlsx');
    res.set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').set('Content-Disposition', `attachment; filename="${filename}"`);
    await writeErasmusXlsx(data, res);
  });

  router.get('/groups/:id/erasmus.csv', requireSignedIn, async (req, res) => {
    const { data, filename } = await exportFor(req, 'csv');
    res.set('Content-Type', 'text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${filename}"`).send(erasmusCsv(data));
  });

  return router;
}
