import official from './komoju-official.json';

/** A field of an official model as test/conformance/komoju-official.json writes it. */
export interface FieldSpec {
  type: 'string' | 'integer' | 'boolean' | 'object' | 'array';
  nullable?: boolean;
  optional?: boolean;
  enum?: string[];
  format?: 'date-time';
  /** The model of a nested object (checked when the list has it). */
  model?: string;
  /** The model of an array's items (checked when the list has it). */
  items?: string;
}

export interface ModelSpec {
  source: string;
  fields?: Record<string, FieldSpec>;
  one_of?: string[];
}

export interface OfficialOperation {
  name: string;
  api: string;
  method: string;
  path: string;
  summary: string;
  /** The model of the answer: `X` or `X[]`; null when KOMOJU answers no body. */
  returns: string | null;
  platform_model: boolean;
}

export const OPERATIONS = official.operations as OfficialOperation[];
export const MODELS = official.models as unknown as Record<string, ModelSpec>;

/**
 * Where `value` departs from official model `model`: each missing required field, a null where the
 * model allows none, a wrong type and a value outside the enum, as `Model.field: what` lines.
 * `accepted` holds the `Model.field` departures kessai keeps on purpose (differences.ts): a field
 * listed there may be null. Nested models are checked when the list has them.
 */
export function departures(value: unknown, model: string, accepted: ReadonlySet<string>, at = model): string[] {
  const spec = MODELS[model];
  if (!spec) return [`${at}: model ${model} is not in test/conformance/komoju-official.json; transcribe it from the SDK's docs/Models/${model}.md`];
  if (spec.one_of) {
    const each = spec.one_of.map((alternative) => departures(value, alternative, accepted, at));
    return each.some((found) => found.length === 0) ? [] : [`${at}: matches none of ${spec.one_of.join(', ')}: ${each.flat().join('; ')}`];
  }
  if (!isObject(value)) return [`${at}: expected a ${model} object, got ${JSON.stringify(value)}`];
  const found: string[] = [];
  for (const [name, field] of Object.entries(spec.fields ?? {})) {
    const where = `${at}.${name}`;
    if (!(name in value) || value[name] === undefined) {
      if (!field.optional) found.push(`${where}: required field missing`);
      continue;
    }
    const fieldValue = value[name];
    if (fieldValue === null) {
      if (!field.nullable && !accepted.has(`${model}.${name}`)) found.push(`${where}: null, but the model allows no null`);
      continue;
    }
    found.push(...fieldDepartures(fieldValue, field, accepted, where));
  }
  return found;
}

function fieldDepartures(value: unknown, field: FieldSpec, accepted: ReadonlySet<string>, where: string): string[] {
  if (!hasType(value, field.type)) return [`${where}: expected ${field.type}, got ${JSON.stringify(value)}`];
  if (field.enum && !field.enum.includes(value as string)) return [`${where}: ${JSON.stringify(value)} is not one of ${field.enum.join(', ')}`];
  if (field.format === 'date-time' && Number.isNaN(Date.parse(value as string))) return [`${where}: ${JSON.stringify(value)} is no timestamp`];
  if (field.model && MODELS[field.model]) return departures(value, field.model, accepted, where);
  if (field.items && MODELS[field.items]) return (value as unknown[]).flatMap((item, index) => departures(item, field.items!, accepted, `${where}[${index}]`));
  return [];
}

function hasType(value: unknown, type: FieldSpec['type']): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return isObject(value);
  return typeof value === type;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks an answer against `returns` (`X` or `X[]`). */
export function answerDepartures(body: unknown, returns: string, accepted: ReadonlySet<string>): string[] {
  if (!returns.endsWith('[]')) return departures(body, returns, accepted);
  const item = returns.slice(0, -2);
  if (!Array.isArray(body)) return [`expected an array of ${item}, got ${JSON.stringify(body)}`];
  return body.flatMap((entry, index) => departures(entry, item, accepted, `${item}[${index}]`));
}
