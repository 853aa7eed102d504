import type { QuestionMode, Queue, QueueAnswerInput } from './queue.ts';
import { rubricAnswerIssues } from './rubric-rules.ts';

/**
 * Why an answer does not fit its queue's questions, one issue per field (the path as the request
 * names it): a required question left unanswered, a question the queue does not ask, a rubric answer
 * of the wrong kind, a preference missing from a pairwise answer or given to a single one. Empty when
 * the answer fits.
 */
export function queueAnswerIssues(
  queue: Pick<Queue, 'kind' | 'questions'>,
  answer: QueueAnswerInput,
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const check = (path: string, mode: QuestionMode, given: boolean, label: string) => {
    if (mode === 'off' && given) issues.push({ path, message: `this queue does not ask for ${label}; leave it out` });
    if (mode === 'required' && !given) issues.push({ path, message: `${label} is required in this queue` });
  };
  const { questions } = queue;
  check('thumb', questions.thumb, answer.thumb !== null, 'a thumb (up or down)');
  check('score', questions.score, answer.score !== null, 'a score (0–100)');
  check('comment', questions.comment, answer.comment.trim() !== '', 'a comment');
  check('correction', questions.correction, answer.correction !== null, 'a correction');
  if (queue.kind === 'pairwise' && answer.preference === null)
    issues.push({ path: 'preference', message: 'a pairwise item needs a preference: "A", "B" or "tie"' });
  if (queue.kind === 'single' && answer.preference !== null)
    issues.push({
      path: 'preference',
      message: 'this queue shows one response: a preference applies only to pairwise queues',
    });
  for (const issue of rubricAnswerIssues(questions.rubric, answer.rubric))
    issues.push({ path: `rubric.${issue.id}`, message: issue.message });
  return issues;
}
