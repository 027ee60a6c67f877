#!/usr/bin/env node
// Entry point of the `kessai` command.
// In a checkout (src/main.ts is here) it runs the TypeScript sources through tsx, so `npm start`
// and the tests always run the current sources, never a stale build. An installed package has no
// src/: it runs the JavaScript that `npm run build` (prepack) bundled into dist/, and needs no tsx.
import { existsSync } from 'node:fs';

const sources = new URL('../src/main.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import('../dist/main.js');
}
