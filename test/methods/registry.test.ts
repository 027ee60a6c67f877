import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METHODS } from '../../src/methods';
import type { PaymentMethod } from '../../src/methods/method';

// Adding a method is one file plus one line in the registry: this test fails when they disagree.
// The offsite table's methods live in _shared/ (one row each), so that folder is read too.
const folders = [new URL('../../src/methods/', import.meta.url), new URL('../../src/methods/_shared/', import.meta.url)];

function isMethod(value: unknown): value is PaymentMethod {
  return typeof value === 'object' && value !== null && 'type' in value && 'authorize' in value && 'detailsSchema' in value;
}

async function exportedMethods(): Promise<Map<string, PaymentMethod[]>> {
  const byFile = new Map<string, PaymentMethod[]>();
  for (const folder of folders) {
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts') && name !== 'index.ts')) {
      const module = await import(new URL(file, folder).href);
      const methods = Object.values(module).flatMap((value) => (Array.isArray(value) ? value.filter(isMethod) : isMethod(value) ? [value] : []));
      if (methods.length) byFile.set(file.replace(/\.ts$/, ''), methods);
    }
  }
  return byFile;
}

describe('the method registry', () => {
  it('registers every method module, and nothing else', async () => {
    const exported = [...(await exportedMethods()).values()].flat();
    expect(new Set(METHODS)).toEqual(new Set(exported));
  });

  it('names each one-method file after its type', async () => {
    for (const [file, methods] of await exportedMethods()) {
      if (methods.length === 1) expect(methods[0].type, file).toBe(file);
    }
  });

  it('has no duplicate types', () => {
    const types = METHODS.map((m) => m.type);
    expect(types.length).toBe(new Set(types).size);
  });

  it('declares names, currencies and checkout fields for each method', () => {
    for (const method of METHODS) {
      expect(method.names.en && method.names.ja && method.names.ko, method.type).toBeTruthy();
      expect(method.currencies === 'all' || method.currencies.length > 0, method.type).toBe(true);
      expect(Array.isArray(method.checkoutFields), method.type).toBe(true);
    }
  });

  it('declares one-click only on methods that can be stored, and a store picker only with stores to pick', () => {
    for (const method of METHODS) {
      if (method.oneClick) expect(method.store, method.type).toBeTypeOf('function');
      if (method.storePicker) expect(method.checkoutFields.some((field) => field.kind === 'select' && field.options?.length), method.type).toBe(true);
    }
  });

  it('labels every checkout field in en, ja and ko', () => {
    const unlabelled: string[] = [];
    for (const method of METHODS) {
      for (const field of method.checkoutFields) {
        for (const locale of ['en', 'ja', 'ko'] as const) {
          const label = field.label?.[locale];
          if (typeof label !== 'string' || label.trim() === '') unlabelled.push(`${method.type}.${field.name} (${locale})`);
        }
      }
    }
    expect(unlabelled).toEqual([]);
  });
});
