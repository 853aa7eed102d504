import { useState } from 'preact/hooks';
import type { PreviewExample } from '../../../../shared/api/index.ts';
import type { Message } from '../../../../shared/message.ts';
import { routeHref } from '../router.ts';

/** What made a line (the sidecar's `basis`), in words. */
const BASIS_WORDS: Record<string, string> = {
  correction: 'from a correction',
  'correction-approves': 'correction equal to the answer (an approval)',
  'corrected-original': 'the original of a correction',
  'thumb-up': 'thumbs up',
  'thumb-down': 'thumbs down',
  score: 'from the score',
  'score-gap': 'score gap between two answers',
  thumbs: 'opposite thumbs on two answers',
  comparison: 'side-by-side comparison',
  stored: 'as stored',
};

const ROLE_NAMES: Record<Message['role'], string> = {
  system: 'System',
  user: 'User',
  assistant: 'Assistant',
  tool: 'Tool',
};

/** Dataset text is shown exactly as it is written (no markdown): what the model will be trained on. */
function Text({ text }: { text: string }) {
  return <div class="example-text">{text}</div>;
}

function Turn({ message }: { message: Message }) {
  return (
    <div class={`example-turn role-${message.role}`}>
      <span class="role">{ROLE_NAMES[message.role]}</span>
      <Text text={message.content} />
    </div>
  );
}

function contextWords(turns: number, system: boolean): string {
  const earlier = turns === 0 ? '' : `${turns} earlier turn${turns === 1 ? '' : 's'}`;
  if (!system) return earlier;
  return earlier === '' ? 'the system prompt' : `the system prompt and ${earlier}`;
}

/** The prompt: the last turn in view (the question this line answers), everything before it folded. */
function Prompt({ system, turns }: { system: string | null; turns: Message[] }) {
  const last = turns.at(-1);
  const earlier = turns.slice(0, -1);
  const folded = earlier.length + (system === null ? 0 : 1);
  return (
    <div class="example-prompt">
      {folded > 0 && (
        <details class="example-context">
          <summary>Context: {contextWords(earlier.length, system !== null)}</summary>
          {system !== null && <Turn message={{ role: 'system', content: system }} />}
          {earlier.map((message, index) => (
            <Turn key={index} message={message} />
          ))}
        </details>
      )}
      {last && <Turn message={last} />}
    </div>
  );
}

function Side({ kind, title, text }: { kind: string; title: string; text: string }) {
  return (
    <section class={`example-side ${kind}`} data-side={kind} aria-label={title}>
      <header>{title}</header>
      <Text text={text} />
    </section>
  );
}

function Answer({ example }: { example: PreviewExample }) {
  switch (example.kind) {
    case 'sft':
      return <Side kind="target" title="Target (trained on)" text={example.target} />;
    case 'pair':
      return (
        <div class="example-sides">
          <Side kind="chosen" title="Chosen" text={example.chosen} />
          <Side kind="rejected" title="Rejected" text={example.rejected} />
        </div>
      );
    case 'kto':
      return (
        <Side
          kind={example.label ? 'desirable' : 'undesirable'}
          title={`Completion · ${example.label ? 'desirable (label true)' : 'undesirable (label false)'}`}
          text={example.completion}
        />
      );
    case 'raw':
      return example.correction === null ? (
        <Side kind="response" title="Response" text={example.response} />
      ) : (
        <div class="example-sides">
          <Side kind="response" title="Response" text={example.response} />
          <Side kind="correction" title="Correction" text={example.correction} />
        </div>
      );
  }
}

/** How a card names the annotations behind it: a pair's sides by their role. */
function sourceName(example: PreviewExample, index: number): string {
  if (example.annotationIds.length === 1) return 'annotation';
  if (example.kind === 'pair' && index < 2) return index === 0 ? 'chosen annotation' : 'rejected annotation';
  return `annotation ${index + 1}`;
}

/**
 * One line of an export as a person reads it: the prompt (earlier turns folded), then what the line
 * teaches (the target, the chosen and rejected answers side by side, or the labelled completion), with
 * the exact JSON line one click away. The same card serves every format of a kind.
 */
export function ExampleCard({ example, number }: { example: PreviewExample; number: number }) {
  const [raw, setRaw] = useState(false);
  return (
    <article class={`example kind-${example.kind}`} data-kind={example.kind} aria-label={`Line ${number}`}>
      <header class="example-head">
        <strong>Line {number}</strong>
        <span class="muted">{BASIS_WORDS[example.basis] ?? example.basis}</span>
        {example.kind === 'pair' && example.margin !== null && (
          <span class="muted">margin {example.margin.toFixed(2)}</span>
        )}
        <span class="example-sources">
          {example.annotationIds.map((id, index) => (
            <a key={id} href={routeHref('annotations', [id])} title={`Open annotation ${id}`}>
              {sourceName(example, index)}
            </a>
          ))}
        </span>
        <button type="button" class="link" aria-expanded={raw} onClick={() => setRaw(!raw)}>
          {raw ? 'Hide the raw line' : 'Raw line'}
        </button>
      </header>
      {raw && <pre class="example-raw">{example.line}</pre>}
      <Prompt system={example.system} turns={example.turns} />
      <Answer example={example} />
    </article>
  );
}
