import type { TFunction } from 'i18next';
import { dateFormatter, type Language } from '../http/i18n.js';
import type { ScopedGroup } from '../groups/group.js';
import { renderReportPdf } from '../reports/report-pdf.js';
import type { Cell } from '../reports/tables.js';
import type { EmergencySheet } from './stay.js';

const text = (value: string | null): Cell => ({ value: value || '—', kind: 'text' });

/**
 * The emergency sheet on paper, for the adults' bag: the page's two parts as two tables, printed by the
 * reports' PDF machinery (its fonts write every French letter).
 */
export function renderSheetPdf(group: ScopedGroup, { sheet, youths }: EmergencySheet, t: TFunction, lang: Language): Promise<Buffer> {
  const date = dateFormatter(lang);
  const stay: [string, string | null][] = [
    ['insurance', sheet?.insurance ?? null], ['assistancePhone', sheet?.assistance_phone ?? null], ['consulate', sheet?.consulate ?? null],
    ['partnerContacts', sheet?.partner_contacts ?? null], ['accommodationAddress', sheet?.accommodation_address ?? null], ['itinerary', sheet?.itinerary ?? null],
  ];
  return renderReportPdf({
    title: t('stay.sheet.titleOf', { group: group.name }),
    subtitle: [t('stay.sheet.dates', { from: date(group.departure_date), to: date(group.return_date) }), t('stay.sheet.confidential')],
    lang,
    letterhead: null,
    chartValue: String,
    tables: [
      { title: t('stay.sheet.stayTitle'), description: '', headers: [t('stay.sheet.what'), t('stay.sheet.details')], rows: stay.map(([k, v]) => [text(t(`stay.sheet.fields.${k}`)), text(v)]) },
      {
        title: t('stay.sheet.youthsTitle'), description: t('stay.sheet.youthsCount', { count: youths.length }),
        headers: [t('stay.sheet.youth'), t('stay.sheet.birthDate'), t('stay.sheet.emergencyContact'), t('stay.sheet.health')],
        rows: youths.map((y) => [
          text(`${y.first_name} ${y.last_name}${y.phone ? ` · ${y.phone}` : ''}`), text(date(y.birth_date)),
          text([y.emergency_contact_name, y.emergency_contact_phone].filter(Boolean).join(' · ') || null),
          text(y.health_purged_at ? t('stay.sheet.healthPurged') : y.health_note),
        ]),
      },
    ],
  });
}
