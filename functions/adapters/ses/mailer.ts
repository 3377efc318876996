/** Sends email through SES v2. */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingEmail } from '../../domain/notification-service.js';

const header = (value: string, what: string) => {
  if (/[\r\n]/.test(value)) throw new Error(`${what} must be one line`);
  return value;
};

export class SesMailer implements Mailer {
  private readonly from: string;

  constructor(
    private readonly client: SESv2Client,
    from: string,
    private readonly configurationSet?: string,
  ) {
    this.from = header(from, 'MAIL_FROM');
  }

  async send(email: OutgoingEmail): Promise<string> {
    const result = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: email.to.map((to) => header(to, 'a recipient')) },
        Content: {
          Simple: {
            Subject: { Data: header(email.subject, 'the subject'), Charset: 'UTF-8' },
            Body: {
              Text: { Data: email.text, Charset: 'UTF-8' },
              Html: { Data: email.html, Charset: 'UTF-8' },
            },
          },
        },
        ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
        EmailTags: [{ Name: 'notification', Value: email.tag }],
      }),
    );
    return result.MessageId ?? '';
  }
}
