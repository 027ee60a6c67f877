import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { METHOD_TYPES } from '../../src/methods';

/**
 * The core never branches on a method's name: what differs between methods is declared in the
 * method's file (src/methods/) and read through the registry, so adding a method stays one file
 * plus one registry line. A method's type written as a string in the core is such a branch.
 */
const CORE = ['domain', 'web', 'http', 'wire', 'worker'];
/** The OpenAPI document's request and response examples name methods as a client would. */
const EXEMPT = new Set(['src/http/openapi/examples.ts']);

function methodNamesIn(file: string, types: ReadonlySet<string>): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && types.has(node.text)) {
      found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1} '${node.text}'`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the core names no payment method', () => {
  it(`no string in src/{${CORE.join(',')}} is a method's type`, () => {
    const types = new Set(METHOD_TYPES);
    const files = CORE.flatMap((folder) =>
      readdirSync(`src/${folder}`, { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.ts'))
        .map((name) => `src/${folder}/${name}`),
    );
    expect(files.filter((file) => !EXEMPT.has(file)).flatMap((file) => methodNamesIn(file, types))).toEqual([]);
  });
});
