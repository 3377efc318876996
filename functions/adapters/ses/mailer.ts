/** Sends email through SES v2. */
import { BadRequestException, type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { type Mailer, PermanentDeliveryError } from '../../domain/email-delivery.js';
import type { EmailMessage } from '../../domain/email-message.js';

const header = (value: string, what: string) => {
  if (/[\r\n]/.test(value)) throw new PermanentDeliveryError(`${what} must be one line`);
  return value;
};

export class SesMailer implements Mailer {
  private readonly from: string;

  constructor(
    private readonly client: SESv2Client,
    from: string,
    private readonly configurationSet?: string,
  ) {
    if (/[\r\n]/.test(from)) throw new Error('MAIL_FROM must be one line');
    this.from = from;
  }

  async send(email: Pick<EmailMessage, 'to' | 'subject' | 'text' | 'html' | 'tags'>): Promise<string> {
    const command = new SendEmailCommand({
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
      EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value })),
    });
    try {
      const result = await this.client.send(command);
      return result.MessageId ?? '';
    } catch (error) {
      // SES refuses the message itself: no retry will change its answer.
      if (error instanceof BadRequestException) {
        throw new PermanentDeliveryError('SES refused the message as malformed', { cause: error });
      }
      throw error;
    }
  }
}
