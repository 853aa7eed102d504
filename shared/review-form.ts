import { z } from 'zod';
import { LIMITS } from './limits.ts';

/**
 * A review's form: the subset of JSON Schema that a person can fill in on one screen. The companion
 * validates the form when a review is created and the answer when it is decided; the dashboard renders
 * it and checks the answer before submitting; the TypeScript client sends zod schemas in this shape
 * (`z.toJSONSchema(schema, { io: 'input' })`). All three use `formToZod` below, so they agree.
 *
 * Supported: one flat object of fields, each `string` (optionally an `enum`), `number` or `integer`
 * (bounds, optionally an `enum`) or `boolean`; `required`; `default`; `title`; `description`.
 * Anything else (`pattern`, `format`, `$ref`, `anyOf`, arrays, nested objects…) is refused with its
 * path, instead of being ignored and letting through answers the author meant to forbid.
 */

export const REVIEW_FORM_LIMITS = {
  fields: 30,
  fieldNameChars: 64,
  titleChars: 200,
  descriptionChars: 2_000,
  enumValues: 100,
  enumValueChars: 200,
  /** Answers are kept as annotation metadata, whose values hold at most this many characters. */
  textChars: LIMITS.metadataValueChars,
} as const;

/** Object keys that would reach a prototype if code ever assigned them. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Wraps a record schema so an own `__proto__` key is an error: zod's records drop it silently, and a
 * key that vanishes without a word is exactly the kind of surprise these schemas exist to prevent.
 */
export function refuseProtoKey<T extends z.ZodType>(schema: T) {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      if (typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__')) {
        ctx.addIssue({ code: 'custom', path: ['__proto__'], message: '"__proto__" is a reserved key' });
      }
    })
    .pipe(schema);
}

export const formFieldNameSchema = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z_][A-Za-z0-9_-]{0,${REVIEW_FORM_LIMITS.fieldNameChars - 1}}$`),
    `a field name is a letter or _ followed by letters, digits, _ or - (at most ${REVIEW_FORM_LIMITS.fieldNameChars})`,
  )
  .refine((name) => !RESERVED_KEYS.has(name), { message: 'this field name is reserved' });

const SUPPORTED: Record<string, readonly string[]> = {
  string: ['type', 'title', 'description', 'default', 'enum', 'minLength', 'maxLength'],
  number: [
    'type',
    'title',
    'description',
    'default',
    'enum',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
  ],
  boolean: ['type', 'title', 'description', 'default'],
  form: ['$schema', 'type', 'title', 'description', 'properties', 'required', 'additionalProperties'],
};
SUPPORTED.integer = SUPPORTED.number as readonly string[];

/**
 * Refuses keywords outside the subset, one issue per keyword at its own path (`properties.name.pattern`),
 * naming the keywords that are supported there. `kind` is the field type, or `form` for the root.
 */
function onlySupportedKeywords<T extends z.ZodType>(kind: (value: Record<string, unknown>) => string, schema: T) {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
      const record = value as Record<string, unknown>;
      const what = kind(record);
      const allowed = SUPPORTED[what];
      if (allowed === undefined) return; // an unknown type: the schema below says so
      for (const key of Object.keys(record)) {
        if (allowed.includes(key)) continue;
        const where = what === 'form' ? 'on a form' : `on a ${what} field`;
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unsupported keyword "${key}" ${where}; supported: ${allowed.join(', ')}`,
        });
      }
    })
    .pipe(schema);
}

const annotations = {
  title: z.string().max(REVIEW_FORM_LIMITS.titleChars).optional(),
  description: z.string().max(REVIEW_FORM_LIMITS.descriptionChars).optional(),
};

const length = z.int().min(0).max(REVIEW_FORM_LIMITS.textChars);
const bound = z.number().finite();

export const stringFieldSchema = z.strictObject({
  type: z.literal('string'),
  ...annotations,
  default: z.string().max(REVIEW_FORM_LIMITS.textChars).optional(),
  enum: z.array(z.string().max(REVIEW_FORM_LIMITS.enumValueChars)).min(1).max(REVIEW_FORM_LIMITS.enumValues).optional(),
  minLength: length.optional(),
  maxLength: length.optional(),
});
export type StringField = z.infer<typeof stringFieldSchema>;

const numberShape = {
  ...annotations,
  default: bound.optional(),
  enum: z.array(bound).min(1).max(REVIEW_FORM_LIMITS.enumValues).optional(),
  minimum: bound.optional(),
  maximum: bound.optional(),
  exclusiveMinimum: bound.optional(),
  exclusiveMaximum: bound.optional(),
};
export const numberFieldSchema = z.strictObject({ type: z.literal('number'), ...numberShape });
export const integerFieldSchema = z.strictObject({ type: z.literal('integer'), ...numberShape });
export type NumberField = z.infer<typeof numberFieldSchema> | z.infer<typeof integerFieldSchema>;

export const booleanFieldSchema = z.strictObject({
  type: z.literal('boolean'),
  ...annotations,
  default: z.boolean().optional(),
});
export type BooleanField = z.infer<typeof booleanFieldSchema>;

const typedFieldSchema = z.discriminatedUnion(
  'type',
  [stringFieldSchema, numberFieldSchema, integerFieldSchema, booleanFieldSchema],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'type must be "string", "number", "integer" or "boolean" (arrays, objects, null, $ref and anyOf are not supported)'
        : undefined,
  },
);

/** Problems a field's keywords cannot show on their own: contradictory bounds, an impossible default. */
function checkField(field: z.infer<typeof typedFieldSchema>, ctx: z.RefinementCtx) {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (field.type === 'string') {
    if (field.minLength !== undefined && field.maxLength !== undefined && field.minLength > field.maxLength) {
      issue('minLength', 'minLength is greater than maxLength');
    }
    if (field.enum && new Set(field.enum).size !== field.enum.length) issue('enum', 'enum values must be unique');
  }
  if (field.type === 'number' || field.type === 'integer') {
    const low = Math.max(field.minimum ?? -Infinity, field.exclusiveMinimum ?? -Infinity);
    const high = Math.min(field.maximum ?? Infinity, field.exclusiveMaximum ?? Infinity);
    if (low > high) issue('minimum', 'the lower bound is above the upper bound');
    if (field.enum && new Set(field.enum).size !== field.enum.length) issue('enum', 'enum values must be unique');
    if (field.type === 'integer' && field.enum?.some((value) => !Number.isInteger(value))) {
      issue('enum', 'an integer field can only list whole numbers');
    }
  }
  if (field.default !== undefined) {
    const result = fieldToZod(field).safeParse(field.default);
    if (!result.success) issue('default', `the default does not fit the field: ${result.error.issues[0]?.message}`);
  }
}

export const reviewFormFieldSchema = onlySupportedKeywords(
  (field) => String(field.type),
  typedFieldSchema.superRefine(checkField),
);
export type ReviewFormField = z.infer<typeof reviewFormFieldSchema>;

export const reviewFormSchema = onlySupportedKeywords(
  () => 'form',
  z
    .strictObject({
      /** Accepted so `z.toJSONSchema` and Pydantic output can be sent as they are; not interpreted. */
      $schema: z.string().max(200).optional(),
      type: z.literal('object', { error: 'a form is a JSON Schema with "type": "object"' }),
      ...annotations,
      properties: refuseProtoKey(
        z
          .record(formFieldNameSchema, reviewFormFieldSchema)
          .refine((fields) => Object.keys(fields).length <= REVIEW_FORM_LIMITS.fields, {
            message: `a form has at most ${REVIEW_FORM_LIMITS.fields} fields`,
          }),
      ),
      required: z.array(z.string()).default([]),
      additionalProperties: z
        .literal(false, { error: 'additionalProperties may only be false: answers hold the form fields only' })
        .optional(),
    })
    .superRefine((form, ctx) => {
      const seen = new Set<string>();
      form.required.forEach((name, index) => {
        if (!Object.hasOwn(form.properties, name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['required', index],
            message: `"${name}" is not one of the properties`,
          });
        }
        if (seen.has(name))
          ctx.addIssue({ code: 'custom', path: ['required', index], message: `"${name}" is repeated` });
        seen.add(name);
      });
    }),
);
export type ReviewForm = z.infer<typeof reviewFormSchema>;
export type ReviewFormInput = z.input<typeof reviewFormSchema>;

/** One answer value: forms hold scalars only. */
export const formValueSchema = z.union([z.string(), z.number(), z.boolean()]);
export type FormValue = z.infer<typeof formValueSchema>;
export type FormAnswers = Record<string, FormValue>;

/** "is required" when the value is missing, else what it must be. */
function typeError(expected: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : expected);
}

/** The zod schema of one field's value, with the field's bounds and messages a person can act on. */
export function fieldToZod(field: ReviewFormField): z.ZodType<FormValue> {
  if (field.type === 'boolean') return z.boolean({ error: typeError('must be true or false') });
  if (field.type === 'string') {
    if (field.enum) {
      const allowed = field.enum;
      return z.string({ error: typeError('must be text') }).refine((value) => allowed.includes(value), {
        message: `must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`,
      });
    }
    const max = Math.min(field.maxLength ?? REVIEW_FORM_LIMITS.textChars, REVIEW_FORM_LIMITS.textChars);
    let schema = z.string({ error: typeError('must be text') }).max(max, `must be at most ${max} characters`);
    if (field.minLength !== undefined) {
      schema = schema.min(
        field.minLength,
        field.minLength === 1 ? 'must not be empty' : `must be at least ${field.minLength} characters`,
      );
    }
    return schema;
  }
  let schema: z.ZodNumber =
    field.type === 'integer'
      ? z.int({ error: typeError('must be a whole number') })
      : z.number({ error: typeError('must be a number') });
  if (field.minimum !== undefined) schema = schema.min(field.minimum, `must be at least ${field.minimum}`);
  if (field.maximum !== undefined) schema = schema.max(field.maximum, `must be at most ${field.maximum}`);
  if (field.exclusiveMinimum !== undefined) {
    schema = schema.gt(field.exclusiveMinimum, `must be greater than ${field.exclusiveMinimum}`);
  }
  if (field.exclusiveMaximum !== undefined) {
    schema = schema.lt(field.exclusiveMaximum, `must be less than ${field.exclusiveMaximum}`);
  }
  if (field.enum) {
    const allowed = field.enum;
    return schema.refine((value) => allowed.includes(value), { message: `must be one of ${allowed.join(', ')}` });
  }
  return schema;
}

export interface FormToZodOptions {
  /** Every field optional (a rejection may carry some answers, but need not carry all). */
  partial?: boolean;
}

/**
 * The zod schema of a form's answers: a strict object (unknown fields are errors), required fields
 * required, defaults filled in for fields left out. Issue paths are field names.
 */
export function formToZod(form: ReviewForm | null, options: FormToZodOptions = {}) {
  const shape: Record<string, z.ZodType<FormValue | undefined>> = {};
  const required = new Set(form?.required ?? []);
  for (const [name, field] of Object.entries(form?.properties ?? {})) {
    const value = fieldToZod(field);
    if (options.partial) shape[name] = value.optional();
    else if (field.default !== undefined) shape[name] = value.default(field.default as never);
    else shape[name] = required.has(name) ? value : value.optional();
  }
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `not a field of this form: ${(issue.keys ?? []).map((key) => `"${key}"`).join(', ')}`
        : issue.code === 'invalid_type'
          ? 'the answers must be an object of field values'
          : undefined,
  }) as unknown as z.ZodType<FormAnswers, Record<string, unknown>>;
}

/** A field's label: its title, else its name with `_`/`-` as spaces and the first letter capitalised. */
export function fieldLabel(name: string, field: ReviewFormField): string {
  if (field.title?.trim()) return field.title.trim();
  const words = name.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
