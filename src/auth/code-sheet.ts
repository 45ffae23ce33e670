import type { Request, Response } from 'express';

/** The code is kept in the session just long enough to be shown once, then forgotten. */
export function rememberCodeToShow(req: Request, userId: number, issued: { code: string; expiresAt: string }): void {
  req.session.revealCode = { userId, code: issued.code, expiresAt: issued.expiresAt };
}

/**
 * The sheet a worker prints or shows to the youth: the code, the link and its QR code. The link is built
 * on the configured public address: a request's Host header is whatever its sender wrote, and a youth would
 * type their new password wherever the printed link leads.
 */
export async function renderCodeSheet(
  req: Request,
  res: Response,
  account: { id: number; display_name: string },
  page: { backTo: string; reissueAction: string; pending: { expires_at: string } | undefined },
  publicUrl: string,
): Promise<void> {
  const reveal = req.session.revealCode?.userId === account.id ? req.session.revealCode : undefined;
  if (reveal) delete req.session.revealCode;
  const link = reveal ? `${publicUrl}/redeem?code=${encodeURIComponent(reveal.code)}` : null;
  // Loaded when a code is shown, not at start-up: about 8 MB of resident memory otherwise carried all along.
  const qrSvg = link ? await (await import('qrcode')).default.toString(link, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) : null;
  res.render('auth/code', { title: res.locals.t('codes.title'), account, reveal, link, qrSvg, backTo: page.backTo, reissueAction: page.reissueAction, pending: page.pending ?? null });
}
