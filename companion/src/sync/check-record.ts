import type { z } from 'zod';
import {
  type Annotation,
  type ApiIssue,
  annotationSchema,
  toApiIssues,
  upgradeAnnotation,
} from '../../../shared/index.ts';

export type CheckedRecord<T> = { ok: true; record: T } | { ok: false; id: string | null; issues: ApiIssue[] };

/**
 * Validates one incoming record on its own, so one bad record is reported without blocking the rest.
 * Issue paths are relative to the record (`score`, `context.2.role`). A metadata key `__proto__` is
 * refused here because parsing would otherwise drop it silently.
 */
export function checkRecord<T>(schema: z.ZodType<T>, raw: unknown): CheckedRecord<T> {
  const rawId = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  const id = typeof rawId === 'string' ? rawId.slice(0, 200) : null;
  const metadata = typeof raw === 'object' && raw !== null ? (raw as { metadata?: unknown }).metadata : undefined;
  if (typeof metadata === 'object' && metadata !== null && Object.hasOwn(metadata, '__proto__')) {
    return { ok: false, id, issues: [{ path: 'metadata.__proto__', message: '"__proto__" is a reserved key' }] };
  }
  const result = schema.safeParse(raw);
  return result.success ? { ok: true, record: result.data } : { ok: false, id, issues: toApiIssues(result.error) };
}

/**
 * An incoming annotation of any schema version (an older extension, an old backup or export file),
 * upgraded to the current version before it is checked, and so before it is hashed: a version-1
 * replay of a version stored as version 2 is the same version (docs/sync-protocol.md, "Schema versions").
 */
export function checkAnnotation(raw: unknown): CheckedRecord<Annotation> {
  return checkRecord(annotationSchema, upgradeAnnotation(raw));
}
