import express, { Router, type Request, type Response } from 'express';
import { ErrorCode } from '../errors/error-codes';
import { SourceError } from '../adapters/http/source-error';
import type { IntakeOutcome, WebhookIntake } from '../propagation/webhook-intake';
import { sendHttpError } from './send-http-error';

/**
 * `/webhooks/*`: changes the connected systems report (src/propagation/webhook-intake.ts).
 * Mounted before `/graphql`'s authentication: a webhook proves itself by its URL secret
 * (Mailchimp) or its signature (Standard Webhooks), never by a Bearer credential. The
 * answers carry no body of the request and no personal data.
 */
export function webhookRoutes(intake: WebhookIntake): Router {
  const router = Router();
  const form = express.urlencoded({ extended: true, limit: '256kb' });
  const raw = express.text({ type: () => true, limit: '256kb' });

  // Mailchimp checks a URL with a GET when the webhook is registered.
  router.get('/:system/:secret', (req, res) => {
    if (!intake.admitsMailchimp(String(req.params.system), String(req.params.secret))) return notFound(req, res);
    res.status(200).type('text/plain').send('ok');
  });
  router.post('/:system/:secret', form, async (req, res) => {
    if (!intake.admitsMailchimp(String(req.params.system), String(req.params.secret))) return notFound(req, res);
    answer(req, res, await intake.mailchimp(String(req.params.system), (req.body ?? {}) as object).catch(sourceFailure));
  });
  router.post('/:system', raw, async (req, res) => {
    const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-gigya-sig-hmac-sha1'].map((name) => [name, req.get(name) ?? '']));
    const body = typeof req.body === 'string' ? req.body : '';
    answer(req, res, await intake.signed(String(req.params.system), body, headers).catch(sourceFailure));
  });
  return router;
}

/** A system that failed while its record was re-read: 503, so the sender retries (and the poll catches up). */
function sourceFailure(error: unknown): IntakeOutcome | 'SOURCE_FAILED' {
  if (error instanceof SourceError) return 'SOURCE_FAILED';
  throw error;
}

function answer(req: Request, res: Response, result: IntakeOutcome | 'SOURCE_FAILED'): void {
  if (result === 'SOURCE_FAILED') {
    return sendHttpError(req, res, ErrorCode.SOURCE_UNAVAILABLE, 'The system could not be read back to confirm the change; send the webhook again later.');
  }
  switch (result.outcome) {
    case 'UNKNOWN_SYSTEM':
      return notFound(req, res);
    case 'REFUSED':
      return result.reason.startsWith('the signature')
        ? sendHttpError(req, res, ErrorCode.UNAUTHENTICATED, `Webhook refused: ${result.reason}; nothing was recorded.`)
        : sendHttpError(req, res, ErrorCode.BAD_USER_INPUT, `Webhook refused: ${result.reason}; nothing was recorded.`);
    case 'TAKEN_IN':
      res.status(200).json({ outcome: result.outcome, recorded: result.report.recorded, known: result.report.known, stale: result.report.stale });
      return;
    default:
      res.status(200).json({ outcome: result.outcome });
  }
}

function notFound(req: Request, res: Response): void {
  sendHttpError(req, res, ErrorCode.NOT_FOUND, 'No webhook is configured at this address.');
}
