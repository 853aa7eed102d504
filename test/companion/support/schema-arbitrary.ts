import fc from 'fast-check';
import { z } from 'zod';

/** A JSON Schema object as `z.toJSONSchema` writes it (draft 2020-12, no `$ref`s for these schemas). */
export type JsonSchema = { [keyword: string]: unknown };

/** The JSON Schema of what a zod schema accepts as input (defaults optional, transforms' input side). */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

const anyJson = fc.jsonValue({ maxDepth: 2 });

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = numberOr(schema.minLength, 0);
  const maxLength = numberOr(schema.maxLength, minLength + 40);
  const fits = (text: string) => text.length >= minLength && text.length <= maxLength;
  if (schema.contentEncoding === 'base64') return fc.base64String({ maxLength: 64 });
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((date) => date.toISOString());
    case 'date':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((date) => date.toISOString().slice(0, 10));
    case 'email':
      return fc.emailAddress().filter(fits);
    case 'uri':
    case 'url':
      return fc.webUrl().filter(fits);
  }
  if (typeof schema.pattern === 'string') {
    // A pattern the generator cannot read falls back to plain text (a near-valid value all the same).
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
    } catch {
      return fc.string({ minLength, maxLength: Math.min(maxLength, minLength + 40) });
    }
  }
  return fc.string({ minLength, maxLength: Math.min(maxLength, minLength + 40) });
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const exclusiveMin = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
  const exclusiveMax = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : undefined;
  if (integer) {
    const min = numberOr(schema.minimum, exclusiveMin === undefined ? -1_000_000 : Math.floor(exclusiveMin) + 1);
    const max = numberOr(schema.maximum, exclusiveMax === undefined ? 1_000_000 : Math.ceil(exclusiveMax) - 1);
    return fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) });
  }
  const min = numberOr(schema.minimum, exclusiveMin ?? -1_000_000);
  const max = numberOr(schema.maximum, exclusiveMax ?? 1_000_000);
  return fc
    .double({ min, max, noNaN: true, noDefaultInfinity: true })
    .filter((value) => value !== exclusiveMin && value !== exclusiveMax);
}

/**
 * Values that satisfy a JSON Schema (the subset `z.toJSONSchema` writes for the route table's
 * bodies: types, properties, required, enum, const, anyOf/oneOf/allOf, string lengths, patterns and
 * formats, number bounds, array bounds, tuples). A value the schema leaves open (`{}`) is any JSON.
 * Refinements zod checks in code (a total across fields, an id that must exist) are not in the
 * schema, so some values are still refused: that is near-valid, which is what a fuzzer wants.
 */
export function schemaArbitrary(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) {
    return fc.oneof(...branches.map((branch) => schemaArbitrary(branch, depth + 1)));
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    return schemaArbitrary(Object.assign({}, ...(schema.allOf as JsonSchema[])), depth);
  }
  if (Array.isArray(schema.type)) {
    return fc.oneof(...(schema.type as string[]).map((type) => schemaArbitrary({ ...schema, type }, depth)));
  }
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return numberArbitrary(schema, true);
    case 'number':
      return numberArbitrary(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (Array.isArray(schema.prefixItems)) {
        return fc.tuple(...(schema.prefixItems as JsonSchema[]).map((item) => schemaArbitrary(item, depth + 1)));
      }
      const minLength = numberOr(schema.minItems, 0);
      const maxLength = Math.min(numberOr(schema.maxItems, minLength + 3), minLength + 3);
      const item = schemaArbitrary((schema.items ?? {}) as JsonSchema, depth + 1);
      return fc.array(item, { minLength, maxLength });
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      const known = fc.record(
        Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, schemaArbitrary(value, depth + 1)])),
        { requiredKeys: required.filter((key) => key in properties) },
      );
      const extra = schema.additionalProperties;
      if (extra === undefined || extra === false || Object.keys(properties).length > 0) return known;
      const values = extra === true ? anyJson : schemaArbitrary(extra as JsonSchema, depth + 1);
      const keys = schema.propertyNames ? stringArbitrary(schema.propertyNames as JsonSchema) : fc.string();
      return fc.dictionary(keys, values, { maxKeys: 3 });
    }
    default:
      return depth > 4 ? fc.constant(null) : anyJson;
  }
}
