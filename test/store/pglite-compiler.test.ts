import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { openPglite } from '../../src/store/driver/pglite';

// KESSAI_PGLITE_COMPILER: how V8 compiles PGlite's WebAssembly. A test cannot read V8's flags back:
// what each compiler costs in memory, start-up time and creates/s is measured by
// `npm run bench:startup` and `npm run bench -- --db pglite`, not here.

it('is baseline unless KESSAI_PGLITE_COMPILER says optimizing; anything else stops the start', () => {
  expect(loadConfig({}).pgliteCompiler).toBe('baseline');
  expect(loadConfig({ KESSAI_PGLITE_COMPILER: 'optimizing' }).pgliteCompiler).toBe('optimizing');
  expect(() => loadConfig({ KESSAI_PGLITE_COMPILER: 'turbofan' })).toThrow(ConfigError);
  expect(() => loadConfig({ KESSAI_PGLITE_COMPILER: 'turbofan' })).toThrow(/KESSAI_PGLITE_COMPILER must be one of/);
});

it('a database compiled either way answers queries', async () => {
  for (const compiler of ['optimizing', 'baseline'] as const) {
    const store = await openPglite({ databaseUrl: null, dataDir: 'memory://', compiler });
    try {
      expect((await sql<{ answer: number }>`SELECT 6 * 7 AS answer`.execute(store.db)).rows).toEqual([{ answer: 42 }]);
    } finally {
      await store.close();
    }
  }
});
