import { z } from 'zod';

/** One problem with a request, located by its field path (e.g. `context.2.role`). */
export const apiIssueSchema = z.strictObject({
  path: z.string(),
  message: z.string(),
});
export type ApiIssue = z.infer<typeof apiIssueSchema>;

/** The one error shape every companion route answers with. */
export const apiErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    issues: z.array(apiIssueSchema).optional(),
  }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** Dot-joined field path; the root is `(root)` so a message never starts with an empty name. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/** Turns a zod error into issues a person can act on: which field, and what is wrong with it. */
export function toApiIssues(error: z.ZodError): ApiIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** A one-line summary for logs and CLI output: `tags.3: Too big: expected string to have <=64 characters`. */
export function describeIssues(error: z.ZodError): string {
  return toApiIssues(error)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
}
