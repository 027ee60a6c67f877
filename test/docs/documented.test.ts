import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runKessai } from '../helpers/processes';

/**
 * Whatever a user can type is written down somewhere a user reads (README.md or docs/*.md): every
 * command and flag of `kessai` (as its own help lists them) and every environment variable the
 * sources read. Each check fails with the list of what is missing. Every route the app serves is
 * checked the same way by readme.test.ts ("lists every route the app serves in the reference").
 */
const root = new URL('../../', import.meta.url);
const docFiles = ['README.md', ...readdirSync(new URL('docs/', root)).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const docs = docFiles.map((file) => readFileSync(new URL(file, root), 'utf8')).join('\n');

/** The commands and flags of one `kessai … --help` page, as commander prints them. */
function parseHelp(text: string): { commands: string[]; flags: string[] } {
  const commands: string[] = [];
  const flags: string[] = [];
  let section = '';
  for (const line of text.split('\n')) {
    const heading = /^(\w[\w ]*):$/.exec(line);
    if (heading) {
      section = heading[1];
      continue;
    }
    // An entry starts two spaces in; its wrapped description continues further in.
    const entry = /^ {2}(\S.*?)(?: {2,}|$)/.exec(line);
    if (!entry) continue;
    if (section === 'Commands') commands.push(entry[1].split(' ')[0]);
    if (section === 'Options') flags.push(...(entry[1].match(/--[a-z][a-z0-9-]*/g) ?? []));
  }
  return { commands, flags };
}

/**
 * The pieces of the documentation a flag must share with its command: a table row, a paragraph
 * or code block, or a whole section whose heading names the command (docs/cli.md's "## serve").
 */
function passages(): { heading: string; text: string }[] {
  const found: { heading: string; text: string }[] = [];
  for (const file of docFiles) {
    const text = readFileSync(new URL(file, root), 'utf8');
    for (const section of text.split(/^(?=#{1,6} )/m)) {
      const heading = /^#{1,6} (.*)$/m.exec(section)?.[1] ?? '';
      found.push({ heading, text: section });
      for (const block of section.split(/\n\s*\n/)) {
        found.push({ heading: '', text: block });
        for (const line of block.split('\n')) if (line.startsWith('|')) found.push({ heading: '', text: line });
      }
    }
  }
  return found;
}

/** `kessai merchants create` written out, not followed by more of a word (`kessai merchantsX`). */
function mentions(text: string, path: string[]): boolean {
  const command = ['kessai', ...path].join(' ');
  return new RegExp(`${command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(text);
}

describe('everything a user can use is documented', () => {
  it("reads commander's help: entries, wrapped descriptions, short and long flags", () => {
    const help = [
      'Usage: kessai [options] [command]',
      '',
      'Options:',
      '  -V, --version            output the version number',
      '  --secret-key <key>       use this secret key instead of generating one, a long',
      '                           description --not-a-flag wrapped onto a second line',
      '  -h, --help               display help for command',
      '',
      'Commands:',
      '  serve [options]          migrate the database and serve the API (what `npm start`',
      '                           runs)',
      '  methods [options] <id>   show a merchant\'s payment methods',
      '  help [command]           display help for command',
    ].join('\n');
    expect(parseHelp(help)).toEqual({ commands: ['serve', 'methods', 'help'], flags: ['--version', '--secret-key', '--help'] });
  });

  it('every command and flag of `kessai`', async () => {
    const undocumented: string[] = [];
    const units = passages();
    const seen: string[] = [];
    // Breadth first, one `help` per command, a level at a time: each start loads the whole program.
    const pages: { path: string[]; help: { commands: string[]; flags: string[] } }[] = [];
    let level: string[][] = [[]];
    while (level.length) {
      const read = await Promise.all(
        level.map(async (path) => {
          const args = path.length === 0 ? ['help'] : [...path.slice(0, -1), 'help', path[path.length - 1]];
          const { code, stdout, stderr } = await runKessai(args, { ...process.env, LOG_LEVEL: 'warn' });
          expect(code, `kessai ${args.join(' ')}: ${stderr}`).toBe(0);
          return { path, help: parseHelp(stdout) };
        }),
      );
      pages.push(...read);
      level = read.flatMap(({ path, help }) => help.commands.filter((name) => name !== 'help').map((name) => [...path, name]));
    }
    // A flag every command has (`--help`, `--version`) is documented once, for `kessai` itself.
    const everywhere = pages.map(({ help }) => help.flags).reduce((common, flags) => common.filter((flag) => flags.includes(flag)));
    for (const { path, help } of pages) {
      seen.push(['kessai', ...path].join(' '));
      if (path.length && !mentions(docs, path)) undocumented.push(`command: kessai ${path.join(' ')}`);
      for (const flag of help.flags.filter((name) => name !== '--help' && (path.length === 0 || !everywhere.includes(name)))) {
        const documented = units.some(
          (unit) =>
            unit.text.includes(flag) &&
            (mentions(unit.text, path) || (path.length > 0 && [path.join(' '), `kessai ${path.join(' ')}`].includes(unit.heading.replace(/`/g, '')))),
        );
        if (!documented) undocumented.push(`flag: kessai ${[...path, flag].join(' ')}`);
      }
    }
    // The walk itself worked: it found the commands every version of kessai has.
    expect(seen).toEqual(expect.arrayContaining(['kessai', 'kessai serve', 'kessai merchants', 'kessai merchants create', 'kessai webhooks add']));
    expect(undocumented).toEqual([]);
  }, 300_000);

  it('every environment variable the sources read', () => {
    const names = new Set<string>();
    for (const file of readdirSync(new URL('src/', root), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const source = readFileSync(new URL(`src/${file}`, root), 'utf8');
      // KESSAI_* anywhere (messages name them too); any name read from the environment: config.ts
      // reads `(env, 'NAME')`, a few modules `process.env.NAME`.
      for (const match of source.matchAll(/\b(KESSAI_[A-Z0-9_]+)\b|\(env, '([A-Z0-9_]+)'|process\.env\.([A-Z0-9_]+)|process\.env\['([A-Z0-9_]+)'\]/g)) {
        names.add(match.slice(1).find(Boolean)!);
      }
    }
    expect([...names]).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'KESSAI_SECRET_KEY', 'PGAPPNAME']));
    const undocumented = [...names].filter((name) => !new RegExp(`\\b${name}\\b`).test(docs)).map((name) => `environment variable: ${name}`);
    expect(undocumented).toEqual([]);
  });
});
