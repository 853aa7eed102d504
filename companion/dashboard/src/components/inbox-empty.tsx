import { routeHref } from '../router.ts';

/** A first review a person can send by hand, to see the inbox work (the form asks one yes/no question). */
export const EXAMPLE_REVIEW = {
  title: 'Is this answer right?',
  messages: [{ role: 'user', content: 'What is the capital of Australia?' }],
  output: 'The capital of Australia is Sydney.',
  form: { type: 'object', properties: { correct: { type: 'boolean', description: 'The answer is right' } } },
};

function curlSnippet(origin: string): string {
  return [
    `curl -X POST ${origin}/api/v1/reviews \\`,
    `  -H "Authorization: Bearer $(npx margin token)" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '${JSON.stringify(EXAMPLE_REVIEW, null, 2)}'`,
  ].join('\n');
}

function clientSnippet(origin: string): string {
  return `import { z } from 'zod';
import { createMarginClient } from 'margin/client';

const margin = createMarginClient({ url: '${origin}', token: process.env.MARGIN_TOKEN! });
// Waits until someone approves (or throws when they reject); the answers are typed by the form.
const answers = await margin.requestReview({
  title: 'Approve the summary before it is sent',
  output: summary,
  form: z.object({ tone: z.enum(['ok', 'too formal', 'too casual']) }),
});`;
}

/**
 * What an empty inbox says: where reviews come from, a request to try it with this companion's
 * address, and the guide (docs/reviews.md, bundled into the dashboard).
 */
export function InboxEmpty({ anyReviews }: { anyReviews: boolean }) {
  const origin = window.location.origin;
  return (
    <section class="inbox-empty" aria-label="How reviews get here">
      <h2>{anyReviews ? 'Nothing is waiting for you' : 'No reviews yet'}</h2>
      <p>
        A review is a question a program asks a person. A script, a data pipeline or an agent sends what it produced (a
        text, a table, a conversation), with a small form if it needs answers, and waits. The review appears here; you
        approve or reject it and fill in the form; the program goes on with your answer. Every decision is also saved as
        an annotation.
      </p>
      <p>Send one from a terminal to see it arrive:</p>
      <pre data-snippet="curl">
        <code>{curlSnippet(origin)}</code>
      </pre>
      <p>
        From TypeScript, with the client the package exports (<code>margin/client</code>):
      </p>
      <pre data-snippet="typescript">
        <code>{clientSnippet(origin)}</code>
      </pre>
      <p>
        From Python, with the standard library only: <code>docs/examples/review_pipeline.py</code> in the repository.
      </p>
      <p>
        <a href={routeHref('docs', ['reviews'])}>Read the guide to reviews</a> (<code>docs/reviews.md</code>): the
        lifecycle, the form fields, timeouts, idempotency keys and the API.
      </p>
    </section>
  );
}
