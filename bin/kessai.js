#!/usr/bin/env node
// Entry point of the `kessai` command.
// In a checkout (src/main.ts is here) it runs the TypeScript sources through tsx, so `npm start`
// and the tests always run the current sources, never a stale build. An installed package has no
// src/: it runs the JavaScript that `npm run build` (prepack) bundled into dist/, and needs no tsx.
import { existsSync } from 'node:fs';

const sources = new URL('../src/main.ts', import.meta.url);
if (existsSync(sources)) {
  const tsx = await import('tsx/esm/api').catch((error) => {
    // A checkout installed without devDependencies (`npm ci --omit=dev`) has no tsx.
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    process.stderr.write('kessai: a checkout runs its TypeScript sources through tsx, a devDependency: run `npm install` (with devDependencies), or install the published package (`npm i kessai`)\n');
    process.exit(1);
  });
  tsx.register();
  await import(sources.href);
} else {
  await import('../dist/main.js');
}
