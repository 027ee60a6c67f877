import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/context';
import { countTestData, resetTestData } from '../../../domain/test-data-reset';
import { TEST_DATA_KINDS, type TestDataCounts } from '../../../model/test-data';
import { html, type Html } from '../../html';
import { sendPage } from '../../respond';
import { notice, table } from '../components';
import { DashError } from '../errors';
import { csrfField, dashLayout } from '../layout';

const PUBLIC = { access: 'public' as const };
const PAGE = '/dashboard/developers/test-data';
/** `?deleted=` after a reset: its counts, comma-separated in TEST_DATA_KINDS order. */
const DELETED = new RegExp(`^\\d{1,9}(,\\d{1,9}){${TEST_DATA_KINDS.length - 1}}$`);

type Message = { text: string; kind: 'ok' | 'error' } | null;

/**
 * "Delete test data", the dashboard's face of POST /api/v1/test_helpers/reset (resetTestData):
 * - GET /dashboard/developers/test-data — how much test data there is, kind by kind, and the
 *   "Delete test data" button, which leads to
 * - GET …/test-data/confirm — the confirmation step: what goes, what stays, "Yes, delete" (a POST
 *   form with the CSRF token and `confirm=yes`) or cancel;
 * - POST …/test-data/delete — deletes, then back (303) to the first page with what was deleted.
 * Test-mode merchants only: a live merchant's pages say so, and its POST is refused (403).
 */
export default function route(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { deleted?: string } }>(PAGE, { config: PUBLIC }, async (request, reply) => {
    const deleted = request.query.deleted;
    const message = typeof deleted === 'string' && DELETED.test(deleted) ? deletedMessage(request, deleted.split(',').map(Number)) : null;
    return testDataPage(services, request, reply, message);
  });

  dash.get(`${PAGE}/confirm`, { config: PUBLIC }, async (request, reply) => confirmPage(services, request, reply, null));

  dash.post<{ Body: Record<string, unknown> }>(`${PAGE}/delete`, { config: PUBLIC }, async (request, reply) => {
    const actor = request.dash.session!.actor;
    if (actor.merchant.mode !== 'test') throw new DashError('forbidden', 403);
    if (request.body?.confirm !== 'yes') return confirmPage(services, request, reply, { text: request.dash.t.testData.notConfirmed, kind: 'error' }, 422);
    const { removed } = await resetTestData(services, actor);
    request.log.info({ merchant: actor.merchant.id, removed }, 'test data deleted in the dashboard');
    return reply.redirect(`${PAGE}?deleted=${TEST_DATA_KINDS.map((kind) => removed[kind]).join(',')}`, 303);
  });
}

/** "Test data deleted: Payments 3, Events 4. The clock is back at real time." from the counts in TEST_DATA_KINDS order. */
function deletedMessage(request: FastifyRequest, counts: number[]): Message {
  const t = request.dash.t.testData;
  const what = TEST_DATA_KINDS.map((kind, i) => [kind, counts[i]] as const).filter(([, count]) => count > 0);
  const deleted = what.length ? t.deleted(what.map(([kind, count]) => `${t.kinds[kind]} ${count}`).join(t.separator)) : t.nothingDeleted;
  const text = `${deleted} ${request.dash.t.clock.resetDone(request.dash.session!.actor.merchant.seed !== null)}`;
  return { text, kind: 'ok' };
}

/** The counts per kind, as a table (the kinds with none included: the page says what a reset covers). */
function countsTable(request: FastifyRequest, counts: TestDataCounts): Html {
  const t = request.dash.t.testData;
  return table(
    [
      { label: t.kind, cell: (kind) => t.kinds[kind] },
      { label: t.count, cell: (kind) => html`<span data-count="${kind}">${counts[kind]}</span>`, className: 'num' },
    ],
    TEST_DATA_KINDS,
    '',
    (kind) => kind,
  );
}

/** A live merchant's page: the notice alone. */
function liveOnly(request: FastifyRequest, reply: FastifyReply, status: number) {
  const t = request.dash.t.testData;
  return sendPage(reply, dashLayout(request.dash, { title: t.title, section: 'testData', body: notice(t.liveOnly, 'error') }), status);
}

async function testDataPage(services: Services, request: FastifyRequest, reply: FastifyReply, message: Message, status = 200) {
  const ctx = request.dash;
  const t = ctx.t.testData;
  const actor = ctx.session!.actor;
  if (actor.merchant.mode !== 'test') return liveOnly(request, reply, status);
  const counts = await countTestData(services.db, actor);
  const body = html`${message ? notice(message.text, message.kind) : null}
<p class="dash-lead">${t.lead}</p>
${countsTable(request, counts)}
<p class="dash-muted">${t.kept}</p>
<p><a href="${PAGE}/confirm" class="button danger small" data-action="delete-test-data">${t.delete}</a></p>`;
  return sendPage(reply, dashLayout(ctx, { title: t.title, section: 'testData', body }), status);
}

async function confirmPage(services: Services, request: FastifyRequest, reply: FastifyReply, message: Message, status = 200) {
  const ctx = request.dash;
  const t = ctx.t.testData;
  const actor = ctx.session!.actor;
  if (actor.merchant.mode !== 'test') return liveOnly(request, reply, status);
  const counts = await countTestData(services.db, actor);
  const body = html`${message ? notice(message.text, message.kind) : null}
<p class="dash-lead">${t.confirmText(actor.merchant.name)}</p>
${countsTable(request, counts)}
<p class="dash-muted">${t.kept}</p>
<form method="post" action="${PAGE}/delete" class="dash-form dash-action" data-form="delete-test-data">${csrfField(ctx)}<input type="hidden" name="confirm" value="yes">
<button type="submit" class="button danger small" data-action="confirm-delete">${t.confirm}</button> <a href="${PAGE}" class="button secondary small">${t.cancel}</a></form>`;
  return sendPage(reply, dashLayout(ctx, { title: t.confirmTitle, section: 'testData', body }), status);
}
