/**
 * A canonical text of a parsed request (JSON or bracket-notation form, after the route's schema
 * has coerced it), so that two encodings of one request read the same:
 * - object keys are sorted (JSON key order carries no meaning; a form lists fields in any order);
 * - every scalar is written as its string (`1000`, `"1000"` → `"1000"`; `true`, `"true"` →
 *   `"true"`): a form can only send strings, and where a field's type matters the route's schema
 *   has already coerced both encodings to it; the fields it leaves untyped (inside
 *   `payment_details`) are read by the payment method with the same coercion (`month: 12` and
 *   `month: "12"` are one month);
 * - arrays keep their order; `null` stays distinct from `""` and from absence.
 *
 * Iterative, so no nesting depth can overflow the stack (a 256 KiB body can nest 100,000 deep).
 *
 *     canonicalText({ b: [1, true], a: null }) === '{"a":null,"b":["1","true"]}'
 */
export function canonicalText(value: unknown): string {
  let out = '';
  // What is left to write, last first: literal text, or a value to expand.
  const todo: ({ text: string } | { value: unknown })[] = [{ value }];
  while (todo.length > 0) {
    const item = todo.pop()!;
    if ('text' in item) {
      out += item.text;
      continue;
    }
    const v = item.value;
    if (v === null || v === undefined) {
      out += 'null';
    } else if (Array.isArray(v)) {
      todo.push({ text: ']' });
      for (let i = v.length - 1; i >= 0; i--) {
        todo.push({ value: v[i] });
        if (i > 0) todo.push({ text: ',' });
      }
      todo.push({ text: '[' });
    } else if (typeof v === 'object') {
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      todo.push({ text: '}' });
      for (let i = keys.length - 1; i >= 0; i--) {
        todo.push({ value: record[keys[i]] });
        todo.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:` });
      }
      todo.push({ text: '{' });
    } else {
      out += JSON.stringify(String(v));
    }
  }
  return out;
}
