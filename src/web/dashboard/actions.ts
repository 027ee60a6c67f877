import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../kernel/errors';

/** A notice at the top of a record's page: what an action did, or why it was refused. */
export interface Message {
  text: string;
  kind: 'ok' | 'error';
}

/** A record's id as the dashboard's paths take it: anything else is a 404 without asking the database. */
export const RECORD_ID = /^[0-9a-z]{1,64}$/;

/** Draws a record's page again with a message, answering `status`. */
export type ShowRecord = (request: FastifyRequest, reply: FastifyReply, id: string, message: Message, status: number) => Promise<unknown>;

type ActionRequest<Body> = FastifyRequest<{ Params: { id: string }; Body: Body }>;

const PUBLIC = { access: 'public' as const };

/**
 * The forms' POST routes on one kind of record, `/dashboard/<records>/:id/<name>`, answered as
 * every dashboard action answers: an id that is no id is 404; `run` done, 303 back to the
 * record's page with `?done=<done>` (the page's word for it); `run` refused with a client error
 * of the API's (not 404: another merchant's record stays not found), the page again, 422, with
 * `code: message`. Any other error goes on to the dashboard's error page.
 *
 *   const action = dashboardActions(dash, 'payments', show);
 *   action('cancel', 'cancelled', async (request, id) => { … });
 */
export function dashboardActions(dash: FastifyInstance, records: string, show: ShowRecord) {
  return <Body = Record<string, unknown>>(name: string, done: string, run: (request: ActionRequest<Body>, id: string) => Promise<void>, options: { bodyLimit?: number } = {}): void => {
    dash.post<{ Params: { id: string }; Body: Body }>(`/dashboard/${records}/:id/${name}`, { config: PUBLIC, bodyLimit: options.bodyLimit }, async (request, reply) => {
      const id = request.params.id;
      if (!RECORD_ID.test(id)) throw new ApiError('not_found');
      try {
        await run(request, id);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status >= 500 || error.status === 404) throw error;
        return show(request, reply, id, { text: `${error.code}: ${error.message}`, kind: 'error' }, 422);
      }
      return reply.redirect(`/dashboard/${records}/${id}?done=${done}`, 303);
    });
  };
}
