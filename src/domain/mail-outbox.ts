import type { Db } from '../store/db';
import * as mailsRepo from '../store/mails.repo';
import { ApiError } from '../kernel/errors';
import type { Mail } from '../model/mail';
import type { Actor } from './context';

/** Reading the mail outbox: GET /test_helpers/emails(/:id) and the dashboard's Mail page. */

export interface ListMailsQuery {
  page: number;
  per_page: number;
  recipient?: string;
  payment?: string;
  start_time?: Date;
  end_time?: Date;
}

/** The actor's mails, newest first; `recipient` matches whatever its letter case. */
export async function listMails(db: Db, actor: Actor, query: ListMailsQuery) {
  return mailsRepo.listMails(
    db,
    { merchantId: actor.merchant.id, recipient: query.recipient, paymentId: query.payment, startTime: query.start_time, endTime: query.end_time },
    query.page,
    query.per_page,
  );
}

export async function getMail(db: Db, actor: Actor, id: string): Promise<Mail> {
  const mail = await mailsRepo.findMail(db, actor.merchant.id, id);
  if (!mail) throw new ApiError('not_found', { param: 'id' });
  return mail;
}
