import { createTransport } from 'nodemailer';
import type { SmtpConfig } from '../config/notices-schema.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends one e-mail; rejects when the server did not take it. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/** An SMTP mailer over nodemailer with the configured server, TLS policy and timeouts. */
export function smtpMailer(smtp: SmtpConfig): Mailer {
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure ?? smtp.port === 465,
    requireTLS: smtp.requireTls,
    ...(smtp.user !== undefined && { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    pool: false,
  });
  return {
    async send(mail) {
      await transport.sendMail({ from: smtp.from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close() {
      transport.close();
    },
  };
}
