import { countryNamer, dateFormatter, translator, type Language } from '../http/i18n.js';
import { competenceLabel } from '../assessments/competence.js';
import { keyCompetenceLabel } from './key-competences.js';
import { pdfBytes } from '../reports/report-pdf.js';
import type { CertificateContents } from './contents.js';

const MARGIN = 56;
const INK = '#1b1f24';
const MUTED = '#555d66';
const BRAND = '#0b5d4b';

/**
 * The certificate on paper, in the language asked (not necessarily the reader's: a youth may want it in
 * English for an employer abroad). pdfkit's built-in Helvetica writes WinAnsi, which has every French letter.
 */
export async function renderCertificatePdf(c: CertificateContents, lang: Language): Promise<Buffer> {
  // Loaded on the first certificate, not at start-up (see src/reports/report-pdf.ts).
  const { default: PDFDocument } = await import('pdfkit');
  const t = translator(lang);
  const date = dateFormatter(lang);
  const country = countryNamer(lang);
  const doc = new PDFDocument({
    size: 'A4', margin: MARGIN, lang: lang === 'fr' ? 'fr-FR' : 'en-GB',
    info: { Title: t('certificates.pdf.title'), Author: c.structureName, Subject: c.youthName, Creator: 'Tremplin' },
  } as PDFKit.PDFDocumentOptions);
  const done = pdfBytes(doc);
  const width = doc.page.width - 2 * MARGIN;
  const heading = (text: string) => {
    if (doc.y > doc.page.height - MARGIN - 80) doc.addPage();
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12.5).fillColor(BRAND).text(text, MARGIN, doc.y, { width }).moveDown(0.2);
  };
  const para = (text: string, opts: { bold?: boolean; muted?: boolean; size?: number; indent?: number } = {}) =>
    doc.font(opts.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(opts.size ?? 10.5).fillColor(opts.muted ? MUTED : INK)
      .text(text, MARGIN + (opts.indent ?? 0), doc.y, { width: width - (opts.indent ?? 0) });

  doc.font('Helvetica-Bold').fontSize(11).fillColor(INK).text(c.structureName, MARGIN, MARGIN, { width });
  doc.moveDown(1.2).font('Helvetica-Bold').fontSize(22).fillColor(BRAND).text(t('certificates.pdf.title'), { width });
  doc.moveDown(0.2).font('Helvetica').fontSize(10).fillColor(MUTED).text(t('certificates.pdf.subtitle'), { width });
  doc.moveDown(1).font('Helvetica-Bold').fontSize(16).fillColor(INK).text(c.youthName, { width });

  const g = c.group;
  const place = [g.destination_place, country(g.destination_country)].filter(Boolean).join(', ');
  doc.moveDown(0.3);
  para(t('certificates.pdf.took_part', { group: g.name, structure: c.structureName }));
  para(t('certificates.pdf.datesPlace', { from: date(g.departure_date), to: date(g.return_date), place }));
  if (g.partner_name) para(t('certificates.pdf.partner', { partner: g.partner_name }));

  heading(t('certificates.pdf.activities'));
  para(t('certificates.pdf.sessions', { count: c.sessions.length }), { bold: true });
  for (const s of c.sessions) para(`${date(s.starts_at.slice(0, 10))} — ${t(`meetings.types.${s.type}`)}`, { indent: 12, size: 9.5 });
  if (c.wentAbroad) {
    para(t('certificates.pdf.stay', { from: date(g.departure_date), to: date(g.return_date), place }), { bold: true });
  }
  para(t('certificates.pdf.restitutions', { count: c.restitutions.length }), { bold: true });
  for (const e of c.restitutions) {
    para(`${date(e.held_on)} — ${t(`restitution.types.${e.type}`)} · ${t('certificates.pdf.audience', { count: e.audience_total })}`, { indent: 12, size: 9.5 });
  }

  heading(t('certificates.pdf.competences'));
  for (const l of c.lines) {
    para(competenceLabel(l.competence, lang), { bold: true });
    const key = keyCompetenceLabel(l.competence.key, lang);
    if (key) para(t('certificates.pdf.keyCompetence', { key }), { muted: true, size: 9 });
    if (l.words) para(l.words, { indent: 12 });
    doc.moveDown(0.4);
  }
  if (c.generalText) {
    heading(t('certificates.pdf.inMyWords'));
    para(c.generalText);
  }

  heading(t('certificates.pdf.confirmed'));
  if (c.approval) {
    para(t('certificates.pdf.approvedBy', { name: c.approval.approvedByName, structure: c.structureName, date: date(c.approval.approvedOn) }));
  }
  doc.moveDown(1.2);
  para(t('certificates.pdf.frame'), { muted: true, size: 8.5 });
  doc.end();
  return done;
}
