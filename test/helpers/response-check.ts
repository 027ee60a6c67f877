import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/**
 * Holds API responses against the OpenAPI document (GET /api/v1/openapi.json), stricter than the
 * document itself: every object schema that does not say otherwise is closed
 * (`additionalProperties: false`), so a field the document does not declare fails, as does a
 * declared required field that is missing, a wrong type, or a status the operation does not list.
 * The document stays open for clients (new fields may come); the check keeps it exact.
 *
 * The test harness records every /api/v1 response its app sends and checks them when the test file
 * closes it, so the whole suite's traffic is checked: see `startHarness` in ./harness.ts.
 */

export interface RecordedResponse {
  method: string;
  /** The route as registered (`/api/v1/payments/:id`). */
  route: string;
  status: number;
  contentType: string;
  body: string;
}

interface Document {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  components: { schemas: Record<string, unknown> };
}

const DOCUMENT_ID = 'https://kessai.test/openapi.json';

/** `/api/v1/payments/:id` → `/api/v1/payments/{id}`. */
export function openApiPath(route: string): string {
  return route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function createResponseChecker(document: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, discriminator: true });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  const schemas = Object.fromEntries(Object.entries(document.components.schemas).map(([name, schema]) => [name, closeObjects(schema)]));
  ajv.addSchema({ $id: DOCUMENT_ID, components: { schemas } });
  const compiled = new Map<string, ValidateFunction | null>();

  /** The problems of one response, as readable lines; none when it matches the document. */
  function check(response: RecordedResponse): string[] {
    const where = `${response.method} ${response.route} → ${response.status}`;
    const operation = document.paths[openApiPath(response.route)]?.[response.method.toLowerCase()];
    if (!operation) return [`${where}: the route is not in the document`];
    const documented = operation.responses[String(response.status)] ?? operation.responses[`${String(response.status)[0]}XX`];
    if (!documented) return [`${where}: status ${response.status} is not documented (${Object.keys(operation.responses).join(', ')})`];
    if (!response.contentType.startsWith('application/json')) return [];
    const schema = documented.content?.['application/json']?.schema;
    if (schema === undefined) return [`${where}: a JSON body where the document declares none`];
    const key = `${response.method} ${response.route} ${response.status}`;
    let validate = compiled.get(key);
    if (validate === undefined) {
      validate = ajv.compile(closeObjects(rebase(schema)) as object);
      compiled.set(key, validate);
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return [`${where}: the body is not JSON`];
    }
    if (validate!(body)) return [];
    return (validate!.errors ?? []).map(
      (error) =>
        `${where}: ${error.instancePath || '(body)'} ${error.message}${
          error.keyword === 'additionalProperties' ? ` (${(error.params as { additionalProperty: string }).additionalProperty})` : ''
        }`,
    );
  }

  return { check };
}

/**
 * Records every response `app` sends for a route under /api/v1 (by `app.inject` or real HTTP).
 * Call before `app.ready()`.
 */
export function recordApiResponses(app: FastifyInstance, into: RecordedResponse[]): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const route = request.routeOptions.url;
    if (route?.startsWith('/api/v1/') && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
      const contentType = reply.getHeader('content-type');
      into.push({ method: request.method, route, status: reply.statusCode, contentType: String(contentType ?? ''), body: payload.toString() });
    }
    return payload;
  });
}

/** Checks every recorded response of `app` against its own document; returns the problems. */
export function checkResponses(app: FastifyInstance, responses: readonly RecordedResponse[]): string[] {
  if (responses.length === 0) return [];
  const checker = createResponseChecker(app.swagger() as unknown as Document);
  const problems = new Set<string>();
  for (const response of responses) for (const problem of checker.check(response)) problems.add(problem);
  return [...problems];
}

/** Local `#/components/…` references of an operation's schema → the same in the document. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `${DOCUMENT_ID}${value}` : rebase(value),
    ]),
  );
}

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'schemas']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);

/**
 * A copy in which every object schema with `properties` and no `additionalProperties` /
 * `patternProperties` of its own is closed. Walks schema keywords only, so a property that happens
 * to be called `type` or `properties` is not mistaken for one.
 */
export function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_MAPS.has(key) && typeof value === 'object' && value !== null) {
      copy[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, closeObjects(child)]));
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      copy[key] = value.map(closeObjects);
    } else if (['items', 'additionalProperties', 'not', 'contains', 'if', 'then', 'else'].includes(key)) {
      copy[key] = closeObjects(value);
    } else {
      copy[key] = value;
    }
  }
  // Ajv reads a discriminator's tag from the branches themselves and refuses OpenAPI's `mapping`.
  if (typeof copy.discriminator === 'object' && copy.discriminator !== null) {
    const { mapping: _mapping, ...discriminator } = copy.discriminator as Record<string, unknown>;
    copy.discriminator = discriminator;
  }
  if (copy.properties !== undefined && copy.additionalProperties === undefined && copy.patternProperties === undefined) {
    copy.additionalProperties = false;
  }
  return copy;
}
