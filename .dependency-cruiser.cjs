/**
 * The import rules of kessai's floors (docs/architecture.md), checked by `npm test`.
 * Each layer may import only the layers below it; a file that needs something from
 * above has found the wrong home.
 */
const layer = (name) => `^src/${name}/`;
const none = (...names) => ({ path: `^src/(${names.join('|')})/` });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle makes two files one; find the shared thing and move it down.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'entry-points-reach-store-through-domain',
      severity: 'error',
      comment: 'http, web and worker read and write through domain commands, never the store.',
      from: { path: '^src/(http|web|worker)/' },
      to: none('store'),
    },
    {
      name: 'domain-knows-no-transport',
      severity: 'error',
      comment: 'domain is called by http, web, worker and cli; it never reaches back up.',
      from: { path: layer('domain') },
      to: none('http', 'web', 'wire', 'worker', 'cli'),
    },
    {
      name: 'domain-gets-upstreams-through-services',
      severity: 'error',
      comment:
        'The processor and the 3-D Secure authenticator are chosen when the process is wired (services.ts); ' +
        'domain uses them through Services and imports their types only.',
      from: { path: layer('domain') },
      to: { path: '^src/processors/(test-processor|three-d-secure)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'wire-renders-models-only',
      severity: 'error',
      comment: 'wire turns model values into KOMOJU JSON; it reads nothing from the database.',
      from: { path: layer('wire') },
      to: none('http', 'web', 'worker', 'cli', 'domain', 'store', 'processors', 'vault'),
    },
    {
      name: 'methods-below-domain',
      severity: 'error',
      comment: 'A payment method imports only kernel, model, lib and processors below it.',
      from: { path: layer('methods') },
      to: none('http', 'web', 'wire', 'worker', 'cli', 'domain', 'store', 'vault'),
    },
    {
      name: 'processors-below-methods',
      severity: 'error',
      comment: 'A processor imports only kernel, model and lib.',
      from: { path: layer('processors') },
      to: none('http', 'web', 'wire', 'worker', 'cli', 'domain', 'store', 'vault', 'methods'),
    },
    {
      name: 'store-below-domain',
      severity: 'error',
      comment: 'The store persists model values; it never calls up into domain or anything above.',
      from: { path: layer('store') },
      to: none('http', 'web', 'wire', 'worker', 'cli', 'domain', 'methods', 'processors'),
    },
    {
      name: 'vault-on-lib',
      severity: 'error',
      from: { path: layer('vault') },
      to: none('http', 'web', 'wire', 'worker', 'cli', 'domain', 'methods', 'processors', 'store', 'model'),
    },
    {
      name: 'model-imports-nothing',
      severity: 'error',
      comment: 'The domain nouns are types and enums; they import nothing of the project.',
      from: { path: layer('model') },
      to: { path: '^src/', pathNot: layer('model') },
    },
    {
      name: 'kernel-on-lib',
      severity: 'error',
      comment: 'The error catalogue and money import nothing above lib.',
      from: { path: layer('kernel') },
      to: { path: '^src/', pathNot: '^src/(kernel|lib)/' },
    },
    {
      name: 'lib-imports-nothing',
      severity: 'error',
      comment: 'lib holds plumbing any project could use; it imports nothing of kessai.',
      from: { path: layer('lib') },
      to: { path: '^src/', pathNot: layer('lib') },
    },
    {
      name: 'only-entry-points-import-the-wiring',
      severity: 'error',
      comment: 'app.ts, main.ts and the cli assemble the process; nothing below imports them.',
      from: { path: '^src/(http|web|worker|wire|domain|methods|processors|store|vault|model|kernel|lib)/' },
      to: { path: '^src/(app|main)\\.ts$|^src/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|test|bench)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
