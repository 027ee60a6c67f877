/**
 * `npm run build` (and `prepack`): the JavaScript an installed package runs, in dist/.
 *
 * src/main.ts is bundled by esbuild into dist/main.js (ESM, Node 20), with the npm packages it
 * uses, except those in package.json's `dependencies`: those stay external and are installed with
 * the package. A package is a dependency when it cannot be bundled (PGlite and the Swagger
 * plugins read files beside themselves; pino starts workers from its files) or is loaded only by
 * some starts (pg, ioredis, nodemailer, tar); every other one is a devDependency, bundled. Loading
 * Fastify, Kysely, TypeBox, Ajv and the rest as hundreds of files from node_modules took
 * 0.2–0.3 s of every start on the 2-core machine, three times what the bundle takes.
 * Their licences are collected into dist/THIRD-PARTY-LICENSES.md. Dynamic `import()`s become
 * chunks beside main.js, so what the sources load lazily stays lazy.
 *
 * The sources read a few files next to themselves at run time through
 * `new URL('<relative path>', import.meta.url)`: web/assets/, domain/rates.json,
 * http/openapi/seed-examples.json, and ../../../package.json from http/openapi/document.ts. In
 * a bundle every module shares one import.meta.url, so each module's own URL is put back where it
 * was (`dist/<its path under src>.js`, a file that does not exist but resolves like one) and every
 * file of src/ that is not TypeScript is copied to dist/ with the same layout. The sources keep
 * working unchanged under tsx, and a new file read the same way needs nothing here.
 *
 * Run with: node --import tsx scripts/build.ts
 */
import { build, type Plugin } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');

/** Gives each bundled module of src/ the import.meta.url it would have at dist/<path>.js. */
const ownImportMetaUrl: Plugin = {
  name: 'own-import-meta-url',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!args.path.startsWith(SRC + sep) || !source.includes('import.meta.url')) return undefined;
      const asIfEmitted = `./${relative(SRC, args.path).split(sep).join('/').replace(/\.ts$/, '.js')}`;
      const contents = source.replaceAll('import.meta.url', `new URL(${JSON.stringify(asIfEmitted)}, import.meta.url).href`);
      return { contents, loader: 'ts' };
    });
  },
};

/** Copies every file under src/ that is not TypeScript to the same place under dist/. */
function copyRuntimeFiles(): string[] {
  const copied: string[] = [];
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
    const from = join(entry.parentPath, entry.name);
    const to = join(DIST, relative(SRC, from));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    copied.push(relative(SRC, from));
  }
  return copied;
}

/**
 * dist/THIRD-PARTY-LICENSES.md: the name, version, licence and licence text of every package
 * bundled from `inputs` (esbuild's input files), as their licences ask of a copy. Returns how many.
 */
function writeLicences(inputs: string[]): number {
  const packageDirs = new Set(inputs.flatMap((input) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? []));
  const sections = [...packageDirs].sort().map((dir) => {
    const { name, version, license } = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(ROOT, dir)).find((entry) => /^(licen[cs]e|copying)/i.test(entry));
    const text = file ? readFileSync(join(ROOT, dir, file), 'utf8').trim() : `(no licence file; package.json says ${license})`;
    return `## ${name} ${version} (${license})\n\n\`\`\`text\n${text}\n\`\`\`\n`;
  });
  const intro = '# Third-party software bundled in dist/\n\nkessai\'s build bundles these packages into its JavaScript.\n';
  writeFileSync(join(DIST, 'THIRD-PARTY-LICENSES.md'), [intro, ...new Set(sections)].join('\n'));
  return packageDirs.size;
}

rmSync(DIST, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: Object.keys(PACKAGE.dependencies),
  // Bundled CommonJS packages `require()` node's modules (and the external packages): in an ES
  // module that needs a require of its own.
  banner: { js: "import { createRequire as kessaiCreateRequire } from 'node:module'; const require = kessaiCreateRequire(import.meta.url);" },
  // Without comments and blanks: V8 holds each module's source for as long as it runs, and one
  // non-Latin-1 character in a comment (a "—") doubles its size, two bytes a character. Names are
  // kept, so a stack trace from an installed kessai still names its functions.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [ownImportMetaUrl],
  metafile: true,
  logLevel: 'warning',
});
const copied = copyRuntimeFiles();
const bundled = writeLicences(Object.keys(result.metafile.inputs));
const chunks = Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js') && file !== 'dist/main.js');
// On stderr, like esbuild's own messages: `npm pack --json` prints its JSON on stdout.
process.stderr.write(`built dist/main.js with ${chunks.length} chunks beside it; copied ${copied.length} files from src/ to dist/; bundled ${bundled} packages\n`);
