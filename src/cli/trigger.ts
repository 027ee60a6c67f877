import { Command } from 'commander';
import { loadConfig } from '../config';
import { ApiClient } from './api-client';
import { serverTarget, type ServerFlags } from './server-target';
import { findStory, STORIES, type Story } from './stories';
import type { Made, StoryContext } from './story-steps';
import { liveMerchantRefusal } from './test-merchant';

/** `--override [step:]path=value`, parsed. */
interface Override {
  step: string | null;
  path: string[];
  value: unknown;
  text: string;
}

interface TriggerOptions extends ServerFlags {
  override: string[];
  json?: boolean;
  list?: boolean;
}

interface EventLine {
  id: string;
  type: string;
  resource_id: string;
}

/** Wrong use of the command (unknown name, bad override): one line, exit 2. */
function usageError(message: string): never {
  process.stderr.write(`kessai: ${message}\n`);
  process.exit(2);
}

/** The value as JSON when it parses (5000, false, null, "text", {…}), else the text itself. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function parseOverride(text: string): Override {
  const equals = text.indexOf('=');
  if (equals <= 0) usageError(`--override ${text}: expected [step:]path=value, e.g. amount=5000 or refund:amount=300`);
  const target = text.slice(0, equals);
  const colon = target.indexOf(':');
  const step = colon === -1 ? null : target.slice(0, colon);
  const path = target.slice(colon + 1).split('.');
  if (path.some((part) => part === '')) usageError(`--override ${text}: empty part in the path '${target.slice(colon + 1)}'`);
  return { step, path, value: parseValue(text.slice(equals + 1)), text };
}

/** `body` with `value` set at `path` (objects made along the way; the body is not changed). */
function setPath(body: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  if (rest.length === 0) return { ...body, [head]: value };
  const inner = body[head];
  const nested = inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {};
  return { ...body, [head]: setPath(nested, rest, value) };
}

function storyContext(client: ApiClient, story: Story, overrides: Override[], made: Made[], notes: string[]): StoryContext {
  return {
    client,
    body(step, defaults) {
      const mine = overrides.filter((o) => (o.step ?? story.steps[0]) === step);
      return mine.reduce((body, o) => setPath(body, o.path, o.value), defaults);
    },
    made(object) {
      const at = made.findIndex((m) => m.id === object.id);
      if (at === -1) made.push(object);
      else made[at] = object;
    },
    note: (text) => void notes.push(text),
  };
}

/** Every event of the objects made, oldest first per object. */
async function eventsOf(client: ApiClient, made: Made[]): Promise<EventLine[]> {
  const lines: EventLine[] = [];
  for (const object of made.filter((m) => m.resource !== 'secure_token')) {
    const answer = await client.api('GET', `/api/v1/events?resource_id=${object.id}&per_page=100`);
    const events = ((answer.body as { data?: { id: string; type: string }[] }).data ?? []).slice().reverse();
    lines.push(...events.map((event) => ({ id: event.id, type: event.type, resource_id: object.id })));
  }
  return lines;
}

function printList(json: boolean | undefined): void {
  if (json) {
    const list = STORIES.map(({ name, description, events, steps }) => ({ name, description, events, steps }));
    process.stdout.write(`${JSON.stringify(list)}\n`);
    return;
  }
  const width = Math.max(...STORIES.map((story) => story.name.length));
  for (const story of STORIES) {
    const events = story.events.length ? story.events.join(', ') : 'no event';
    process.stdout.write(`${story.name.padEnd(width)}  ${story.description} → ${events}\n`);
  }
}

function printResult(name: string, server: string, made: Made[], events: EventLine[], notes: string[]): void {
  const lines = [`Triggered ${name} on ${server}`];
  for (const m of made) lines.push(`  ${m.resource.padEnd(12)}  ${m.id}  ${m.status}${m.detail ? `  (${m.detail})` : ''}`);
  lines.push(events.length ? 'Events:' : 'Events: none');
  for (const e of events) lines.push(`  ${e.type.padEnd(22)}  ${e.id}  (${e.resource_id})`);
  for (const note of notes) lines.push(`Note: ${note}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * `kessai trigger NAME`: makes, through the API of a running server, the objects that produce
 * an event or tell a customer's story, and prints what it made and the events they produced.
 */
async function trigger(name: string | undefined, options: TriggerOptions): Promise<void> {
  if (options.list) return printList(options.json);
  const names = STORIES.map((story) => story.name).join(', ');
  if (name === undefined) usageError(`trigger needs an event or story name: ${names} (kessai trigger --list describes them)`);
  const story = findStory(name);
  if (!story) usageError(`unknown event '${name}'. Valid: ${names} (kessai trigger --list describes them)`);
  const overrides = options.override.map(parseOverride);
  for (const o of overrides) {
    if (o.step !== null && !story.steps.includes(o.step)) usageError(`--override ${o.text}: ${story.name} has no step '${o.step}' (its steps: ${story.steps.join(', ')})`);
  }
  const client = new ApiClient(serverTarget(loadConfig(), options));
  // Before the first step: on a live merchant the story's payments would be real.
  const live = await liveMerchantRefusal(client, 'kessai trigger');
  if (live) usageError(live);
  const made: Made[] = [];
  const notes: string[] = [];
  await story.run(storyContext(client, story, overrides, made, notes));
  const events = await eventsOf(client, made);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ trigger: story.name, server: client.target.url, objects: made, events, notes })}\n`);
  } else {
    printResult(story.name, client.target.url, made, events, notes);
  }
}

export function triggerCommand(): Command {
  return new Command('trigger')
    .description('make the objects that produce an event (or a customer story) on a running server, and print them')
    .argument('[event]', 'an event type or story name (kessai trigger --list)')
    .option('--list', 'list the events and stories, one line each')
    .option('--override <[step:]path=value>', 'set a field of a request body, e.g. amount=5000 or refund:amount=300 (repeatable)', (value: string, all: string[]) => [...all, value], [])
    .option('--server <url>', "the server's base URL (default: the server running on the data directory, else KESSAI_PUBLIC_URL)")
    .option('--api-key <key>', 'secret key of the merchant (default: KESSAI_SECRET_KEY, else the default merchant key kept in the data directory)')
    .option('--json', 'print what was made as one JSON object')
    .action(trigger);
}
