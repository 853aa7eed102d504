import { z } from 'zod';
import { annotatorSchema, isoDateTimeSchema, recordIdSchema } from './fields.ts';

export const winnerSchema = z.enum(['a', 'b', 'tie']);
export type Winner = z.infer<typeof winnerSchema>;

/** A side-by-side judgement of two annotated variants of the same prompt. */
export const comparisonSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    id: recordIdSchema,
    a: recordIdSchema,
    b: recordIdSchema,
    winner: winnerSchema,
    annotator: annotatorSchema,
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
    deletedAt: isoDateTimeSchema.nullable(),
    revision: z.int().min(1),
  })
  .refine((comparison) => comparison.a !== comparison.b, {
    message: 'a and b must be two different annotations',
    path: ['b'],
  });
export type Comparison = z.infer<typeof comparisonSchema>;
