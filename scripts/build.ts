/**
 * `npm run build` (and `prepack`): the JavaScript an installed package runs, in dist/.
 *
 * src/main.ts is bundled by esbuild into dist/main.js (ESM, Node 20); the npm dependencies stay
 * external, installed from `dependencies`. Dynamic `import()`s become chunks beside it, so what the
 * sources load lazily (the embedded database's driver) stays lazy.
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
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
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
  packages: 'external',
  // Not minified: a stack trace from an installed kessai stays readable without source maps.
  minify: false,
  plugins: [ownImportMetaUrl],
  metafile: true,
  logLevel: 'warning',
});
const copied = copyRuntimeFiles();
const chunks = Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js') && file !== 'dist/main.js');
// On stderr, like esbuild's own messages: `npm pack --json` prints its JSON on stdout.
process.stderr.write(`built dist/main.js with ${chunks.length} chunks beside it; copied ${copied.length} files from src/ to dist/\n`);
