// Messages. The admin of a structure reads what it sent (/admin/outbox, its own messages only); a lead
// texts a youth of their group their one-time code (the account route's rules: Inès has no valid mobile
// or gets one, either way a redirect to her file). The opt-out link of an SMS answers to its token alone,
// for anyone: the phone that got the SMS is not signed in. The provider's webhook does not exist without
// SMS_WEBHOOK_TOKEN (the matrix's app has none).
//                                                        anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const outboxRows: Record<string, readonly number[]> = {
  'GET /admin/outbox':                                   [303, 200, 403, 403, 403, 403, 403, 403, 200, 403, 403],
  'POST /groups/:id/youths/:enrolmentId/account/sms':    [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
  'GET /sms/stop/:stopToken':                            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'POST /sms/stop/:stopToken':                           [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'POST /webhooks/brevo/sms':                            [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
};
