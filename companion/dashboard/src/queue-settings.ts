import type { UserRole } from '../../../shared/account.ts';
import { type QuestionMode, type QueueCreateInput, queueCreateSchema } from '../../../shared/queue.ts';

/**
 * The queue-creation form as typed (strings and checkboxes), and how it becomes the body of
 * `POST /api/v1/queues`. The shared schema checks it here first, so each problem shows next to its
 * field in the same words the companion would use.
 */
export interface QueueForm {
  id: string;
  name: string;
  description: string;
  kind: 'single' | 'pairwise';
  thumb: QuestionMode;
  score: QuestionMode;
  comment: QuestionMode;
  correction: QuestionMode;
  /** Rubric questions as JSON (the rubric schema's questions), or empty. */
  rubric: string;
  overlap: string;
  /** Names, separated by commas or spaces. */
  names: string;
  roles: UserRole[];
  blind: boolean;
  order: 'oldest' | 'random';
  seed: string;
  leaseMinutes: string;
  /** Fill from what the store holds: the export's filters. */
  fill: boolean;
  site: string;
  model: string;
  tag: string;
  since: string;
  until: string;
  limit: string;
}

export const EMPTY_QUEUE_FORM: QueueForm = {
  id: '',
  name: '',
  description: '',
  kind: 'single',
  thumb: 'required',
  score: 'off',
  comment: 'optional',
  correction: 'off',
  rubric: '',
  overlap: '2',
  names: '',
  roles: ['admin', 'annotator'],
  blind: true,
  order: 'oldest',
  seed: '1',
  leaseMinutes: '15',
  fill: true,
  site: '',
  model: '',
  tag: '',
  since: '',
  until: '',
  limit: '',
};

/** "Last week's logs" → `last-weeks-logs`: a suggested id for a name. */
export function slugFor(name: string): string {
  return name
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');

const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

export type QueueFormResult = { ok: true; body: QueueCreateInput } | { ok: false; errors: Record<string, string> };

/** The form as the route's body, or each problem under the form field it belongs to. */
export function queueBody(form: QueueForm): QueueFormResult {
  const errors: Record<string, string> = {};
  let rubric: unknown = [];
  if (form.rubric.trim() !== '') {
    try {
      rubric = JSON.parse(form.rubric);
    } catch (error) {
      errors.rubric = `not JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  const lease = number(form.leaseMinutes);
  const pairwise = form.kind === 'pairwise';
  const filter = form.fill
    ? {
        site: form.site.trim() || undefined,
        model: form.model.trim() || undefined,
        tag: form.tag.trim() || undefined,
        since: form.since || undefined,
        until: form.until || undefined,
        limit: form.limit.trim() === '' ? undefined : number(form.limit),
      }
    : undefined;
  const body = {
    id: form.id.trim(),
    name: form.name,
    description: form.description,
    kind: form.kind,
    questions: {
      // A pairwise queue asks for a preference only: the other questions are off whatever the form says.
      thumb: pairwise ? 'off' : form.thumb,
      score: pairwise ? 'off' : form.score,
      comment: form.comment,
      correction: pairwise ? 'off' : form.correction,
      rubric,
    },
    overlap: number(form.overlap),
    assignees: { names: list(form.names), roles: form.roles },
    blind: form.blind,
    order: form.order,
    seed: number(form.seed),
    leaseSeconds: Number.isFinite(lease) ? Math.round(lease * 60) : lease,
    ...(filter ? { filter } : {}),
  };
  const parsed = queueCreateSchema.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = formField(issue.path.map(String));
      errors[field] ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, body: body as QueueCreateInput };
}

/** The form field a schema path belongs to (`questions.rubric.0.label` → `rubric`, `leaseSeconds` → `leaseMinutes`). */
export function formField(path: string[]): string {
  const [head, second] = path;
  if (head === 'questions') return second ?? 'thumb';
  if (head === 'assignees') return second === 'roles' ? 'roles' : 'names';
  if (head === 'leaseSeconds') return 'leaseMinutes';
  if (head === 'filter') return second ?? 'fill';
  return head ?? 'id';
}
