/** A minimal validator for the JSON Schema subset docs/api/openapi.yaml uses (OpenAPI 3.0 flavour). */
export type Schema = Record<string, unknown>;

export function validate(doc: Schema, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) {
    const target = (schema.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], doc) as Schema;
    return validate(doc, target, value, at);
  }
  if (value === null) return schema.nullable ? [] : [`${at}: null but not nullable`];
  const errors: string[] = [];
  if (schema.allOf) for (const s of schema.allOf as Schema[]) errors.push(...validate(doc, s, value, at));
  if (schema.oneOf) {
    const ok = (schema.oneOf as Schema[]).filter((s) => validate(doc, s, value, at).length === 0).length;
    if (ok !== 1) errors.push(`${at}: matches ${ok} of oneOf`);
  }
  const type = schema.type as string | undefined;
  const typeOk: Record<string, (v: unknown) => boolean> = {
    object: (v) => typeof v === 'object' && !Array.isArray(v),
    array: Array.isArray,
    string: (v) => typeof v === 'string',
    number: (v) => typeof v === 'number',
    integer: (v) => typeof v === 'number' && Number.isInteger(v),
    boolean: (v) => typeof v === 'boolean',
  };
  if (type && !typeOk[type]!(value))
    return [...errors, `${at}: expected ${type}, got ${JSON.stringify(value)?.slice(0, 80)}`];
  if (schema.enum && !(schema.enum as unknown[]).includes(value))
    errors.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (typeof value === 'string' && schema.pattern && !new RegExp(schema.pattern as string).test(value))
    errors.push(`${at}: does not match ${schema.pattern}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < (schema.minimum as number)) errors.push(`${at}: below minimum`);
    if (schema.maximum !== undefined && value > (schema.maximum as number)) errors.push(`${at}: above maximum`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < (schema.minItems as number))
      errors.push(`${at}: too few items`);
    if (schema.items) value.forEach((v, k) => errors.push(...validate(doc, schema.items as Schema, v, `${at}[${k}]`)));
  }
  if (type === 'object' || schema.properties) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const obj = value as Record<string, unknown>;
      for (const r of (schema.required as string[]) ?? []) if (!(r in obj)) errors.push(`${at}: missing ${r}`);
      for (const [k, s] of Object.entries((schema.properties as Record<string, Schema>) ?? {})) {
        if (k in obj) errors.push(...validate(doc, s, obj[k], `${at}.${k}`));
      }
    }
  }
  return errors;
}
