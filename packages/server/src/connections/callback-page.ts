import { escapeHtml, page } from '../http/html.js';
import type { CallbackRejection } from './consent.js';

const explanations: Record<CallbackRejection, string> = {
  missing_state: 'The link you followed is incomplete: it carries no consent reference.',
  unknown: 'This consent link is unknown. It may come from another server, or it was cleaned up.',
  expired: 'This consent link has expired: a consent must be finished within 10 minutes.',
  used: 'This consent link has already been used. Each link works once.',
  service_mismatch: 'This consent link was issued for another service.',
  other_user: 'This consent link was started by another user. Start the connection yourself.',
  account_mismatch: 'You consented with another account than the one signed in to Latchkey.',
  access_denied: 'The consent was declined at the provider. Nothing was connected.',
  invalid_grant: 'The provider did not accept the authorization (it may have expired or been used).',
  invalid_client: 'The provider does not recognise Latchkey as a client. Ask your administrator.',
  issuer_mismatch: 'The answer came from another provider than the one the consent was sent to.',
  audience_mismatch: 'The provider issued a token meant for another service; Latchkey refused to keep it.',
  unavailable: 'The provider could not be reached. Try again in a moment.',
  protocol: 'The provider answered in a way Latchkey does not accept.',
};

/** HTTP status of the error page: the provider's fault is a 502/503, everything else a 400. */
export function rejectionStatus(reason: CallbackRejection): number {
  if (reason === 'unavailable') return 503;
  if (reason === 'protocol' || reason === 'invalid_client') return 502;
  return 400;
}

/**
 * The page a refused consent callback shows: plain words, what to do next, the reason code for
 * support. Self-contained (no third-party asset), served with `Referrer-Policy: no-referrer` so
 * the code and state in the URL go nowhere.
 */
export function callbackErrorPage(
  reason: CallbackRejection,
  serviceName: string,
  devBanner: boolean,
): string {
  return page(
    'Connection not completed — Latchkey',
    `<h1>The connection to ${escapeHtml(serviceName)} was not completed</h1>
     <p>${escapeHtml(explanations[reason])}</p>
     <p>Nothing was stored. You can start again from the console.</p>
     <p><a href="/">Back to Latchkey</a></p>
     <p><small>Reason: <code>${escapeHtml(reason)}</code></small></p>`,
    { devBanner },
  );
}
