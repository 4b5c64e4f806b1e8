import type { Mail } from './mailer.js';

export interface NoticeFacts {
  kind: 'api_token_expiring' | 'connection_needs_consent';
  to: string;
  userName: string | null;
  /** Token name or service id. */
  label: string;
  expiresAt: Date | null;
  consoleUrl: string;
}

/**
 * The e-mail text of a notice. Plain text, English, and never a secret: a token is named by its
 * name, never its value, so a mailbox that leaks leaks nothing usable.
 */
export function noticeMail(f: NoticeFacts): Mail {
  const hello = `Hello${f.userName === null ? '' : ` ${f.userName}`},`;
  if (f.kind === 'api_token_expiring') {
    const when = f.expiresAt === null ? 'soon' : `on ${f.expiresAt.toUTCString()}`;
    return {
      to: f.to,
      subject: `Your Latchkey API token "${f.label}" expires ${when}`,
      text: `${hello}\n\nyour API token "${f.label}" expires ${when}. Scripts and agents using it will stop working then.\nRotate it or create a new one in the console: ${f.consoleUrl}\n\n— Latchkey`,
    };
  }
  return {
    to: f.to,
    subject: `Reconnect ${f.label}: your Latchkey connection needs a new consent`,
    text: `${hello}\n\nLatchkey can no longer refresh your connection to "${f.label}" (the provider refused it). Calls through Latchkey to this service fail until you connect it again.\nReconnect in the console: ${f.consoleUrl}\n\n— Latchkey`,
  };
}
