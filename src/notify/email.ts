/**
 * Email over SMTP (nodemailer), one connection per message: alarms are rare and a pooled
 * connection that went stale would only add a failure mode. A notification addressed to a person
 * (escalation) goes to their address; anything else to the channel's `to` list. nodemailer is
 * loaded with the first email channel: a daemon without one does not carry it in memory.
 */
import type { Transporter } from 'nodemailer';
import type { NotifyChannelConfig } from '../config/schema.js';
import type { Channel } from './channel.js';

type Config = Extract<NotifyChannelConfig, { type: 'email' }>;

export function emailChannel(config: Config): Channel {
  const smtp = config.smtp;
  const transport: Promise<Transporter> = import('nodemailer').then((m) =>
    m.default.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure ?? smtp.port === 465,
      requireTLS: smtp.requireTLS,
      auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
      connectionTimeout: config.timeout,
      greetingTimeout: config.timeout,
      socketTimeout: config.timeout,
    }),
  );
  return {
    name: config.name,
    type: 'email',
    reaches: (person) => Boolean(person.email),
    async send(n) {
      const to = n.recipient ? (n.recipient.email ? [n.recipient.email] : []) : (config.to ?? []);
      if (to.length === 0)
        throw new Error(`no recipient: ${n.recipient ? `${n.recipient.name} has no email` : 'no to'}`);
      try {
        await (await transport).sendMail({
          from: config.from,
          to,
          subject: n.title,
          text: n.text,
          priority: n.priority === 'critical' || n.priority === 'high' ? 'high' : 'normal',
          headers: { 'X-Gaswatch-Key': n.key },
        });
      } catch (err) {
        const e = err as Error & { code?: string; responseCode?: number };
        // nodemailer's messages can quote the whole SMTP dialogue; the code and first line will do.
        const first = e.message.split('\n')[0];
        throw new Error(`SMTP ${smtp.host}:${smtp.port}: ${e.responseCode ?? e.code ?? ''} ${first}`.trim());
      }
    },
    close: () => void transport.then((t) => t.close()),
  };
}
