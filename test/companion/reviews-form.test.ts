import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formFromZod } from '../../companion/src/client/index.ts';
import { fieldLabel, formToZod, type ReviewForm, reviewFormSchema, toApiIssues } from '../../shared/index.ts';
import { draftToAnswers, initialDraft, issuesToErrors, validateDraft } from '../../shared/review-draft.ts';

function issues(form: unknown) {
  const result = reviewFormSchema.safeParse(form);
  return result.success ? [] : toApiIssues(result.error);
}

const form = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});

describe('review forms: the JSON Schema subset', () => {
  it('accepts what z.toJSONSchema makes of a flat zod object, and a Pydantic-style schema', () => {
    const fromZod = formFromZod(
      z
        .object({
          kind: z.enum(['a', 'b']).describe('Pick one'),
          note: z.string().max(300).optional(),
          count: z.int().min(1).max(9).default(3),
          ratio: z.number().gt(0).lt(1),
          ok: z.boolean(),
        })
        .meta({ title: 'Check' }),
    );
    expect(issues(fromZod)).toEqual([]);
    const parsed = reviewFormSchema.parse(fromZod);
    expect(parsed.properties.ratio).toEqual({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 });
    expect(parsed.required).toEqual(['kind', 'ratio', 'ok']);
    // What Pydantic's model_json_schema() writes for str / int fields with titles.
    const pydantic = {
      title: 'UserInput',
      type: 'object',
      properties: {
        name: { title: 'Name', type: 'string' },
        age: { title: 'Age', type: 'integer', default: 30 },
      },
      required: ['name'],
    };
    expect(issues(pydantic)).toEqual([]);
  });

  it('refuses what it cannot render or check, each at its own path', () => {
    // A field without a type (anyOf, $ref) is refused for that: the message names what is not supported.
    expect(issues({ ...form({}), type: 'array' })).toEqual([
      { path: 'type', message: 'a form is a JSON Schema with "type": "object"' },
    ]);
    expect(issues({ ...form({}), additionalProperties: true })[0]?.path).toBe('additionalProperties');
    expect(issues({ ...form({}), $defs: {} })[0]).toEqual({
      path: '$defs',
      message: expect.stringMatching(/^unsupported keyword "\$defs" on a form; supported: \$schema, type/),
    });
    const found = issues(
      form({
        choice: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        ref: { $ref: '#/$defs/Kind' },
        nested: { type: 'object', properties: {} },
        flag: { type: 'boolean', default: 'yes' },
        step: { type: 'number', multipleOf: 5 },
        whole: { type: 'integer', enum: [1, 1.5] },
        twice: { type: 'string', enum: ['a', 'a'] },
        long: { type: 'string', maxLength: 5000 },
        '1st': { type: 'string' },
      }),
    );
    expect(found.map((issue) => issue.path).sort()).toEqual(
      [
        'properties.1st',
        'properties.choice.type',
        'properties.flag.default',
        'properties.long.maxLength',
        'properties.nested.type',
        'properties.ref.type',
        'properties.step.multipleOf',
        'properties.twice.enum',
        'properties.whole.enum',
      ].sort(),
    );
  });

  it('refuses more than 30 fields, reserved names and a __proto__ key', () => {
    const many = Object.fromEntries(Array.from({ length: 31 }, (_, index) => [`f${index}`, { type: 'boolean' }]));
    expect(issues(form(many))).toEqual([{ path: 'properties', message: 'a form has at most 30 fields' }]);
    expect(issues(form({ constructor: { type: 'string' } }))[0]?.path).toBe('properties.constructor');
    const proto = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}}}');
    expect(issues(proto)).toEqual([{ path: 'properties.__proto__', message: '"__proto__" is a reserved key' }]);
  });
});

describe('formToZod: the answers of a form', () => {
  const example = reviewFormSchema.parse(
    form(
      {
        grade: { type: 'integer', enum: [1, 2, 3] },
        ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        note: { type: 'string' },
        kind: { type: 'string', enum: ['x', 'y'], default: 'y' },
      },
      ['grade', 'ratio'],
    ),
  );

  it('checks bounds, enums and types, fills defaults, and refuses unknown fields', () => {
    const schema = formToZod(example);
    expect(schema.parse({ grade: 2, ratio: 1 })).toEqual({ grade: 2, ratio: 1, kind: 'y' });
    const problems = toApiIssues(
      (schema.safeParse({ grade: 4, ratio: 0, note: 'x'.repeat(2_001), kind: 'z', other: 1 }) as { error: z.ZodError })
        .error,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'grade', message: 'must be one of 1, 2, 3' },
        { path: 'ratio', message: 'must be greater than 0' },
        { path: 'note', message: 'must be at most 2000 characters' },
        { path: 'kind', message: 'must be one of "x", "y"' },
        { path: '(root)', message: 'not a field of this form: "other"' },
      ]),
    );
    expect(formToZod(example, { partial: true }).parse({})).toEqual({});
    expect(formToZod(null).safeParse({}).success).toBe(true);
  });

  it('labels fields by title, else by name', () => {
    expect(fieldLabel('first_name', { type: 'string' })).toBe('First name');
    expect(fieldLabel('x', { type: 'string', title: ' Given name ' })).toBe('Given name');
  });
});

describe('the dashboard form: drafts become answers the same schema checks', () => {
  const person = reviewFormSchema.parse(
    form(
      {
        title: { type: 'string', enum: ['Dr', 'Ms'] },
        first_name: { type: 'string', minLength: 1 },
        nickname: { type: 'string' },
        age: { type: 'integer', minimum: 18 },
        newsletter: { type: 'boolean', default: true },
        vip: { type: 'boolean' },
      },
      ['title', 'first_name', 'age'],
    ),
  ) as ReviewForm;

  it('starts from the defaults: switches on or off, everything else empty', () => {
    expect(initialDraft(person)).toEqual({
      title: '',
      first_name: '',
      nickname: '',
      age: '',
      newsletter: true,
      vip: false,
    });
  });

  it('omits empty optional fields, parses numbers, and reports what is missing by field', () => {
    const draft = { ...initialDraft(person), first_name: '' };
    expect(draftToAnswers(person, draft)).toEqual({ first_name: '', newsletter: true, vip: false });
    const checked = validateDraft(person, draft);
    expect(checked).toEqual({
      ok: false,
      errors: { title: 'is required', first_name: 'must not be empty', age: 'is required' },
    });
    expect(validateDraft(person, { ...draft, title: 'Dr', first_name: 'Ada', age: '17.5' })).toEqual({
      ok: false,
      errors: { age: 'must be a whole number' },
    });
    expect(validateDraft(person, { ...draft, title: 'Dr', first_name: 'Ada', age: ' 36 ' })).toEqual({
      ok: true,
      answers: { title: 'Dr', first_name: 'Ada', age: 36, newsletter: true, vip: false },
    });
    // Rejecting needs nothing filled in.
    expect(validateDraft(person, draft, { partial: true }).ok).toBe(true);
  });

  it('maps the companion’s input.<field> issues back onto the fields', () => {
    expect(
      issuesToErrors([
        { path: 'input.age', message: 'must be at least 18' },
        { path: 'input', message: 'not a field of this form: "x"' },
      ]),
    ).toEqual({ age: 'must be at least 18', '': 'not a field of this form: "x"' });
  });
});
