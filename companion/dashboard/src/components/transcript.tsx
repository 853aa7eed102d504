import { useMemo } from 'preact/hooks';
import type { Message } from '../../../../shared/message.ts';
import { renderMarkdown } from '../markdown.ts';

/** Markdown rendered by markdown-it with raw HTML escaped (see markdown.ts): safe to insert. */
function Markdown({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  // Safe: markdown-it with html:false escapes all raw HTML (see markdown.ts).
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}

const ROLE_NAMES: Record<string, string> = { system: 'System', user: 'User', assistant: 'Assistant', tool: 'Tool' };

export function Bubble({
  speaker,
  label,
  text,
  kind,
}: {
  speaker: string;
  label?: string;
  text: string;
  kind?: string;
}) {
  return (
    <article class={`bubble role-${speaker}${kind ? ` ${kind}` : ''}`} data-role={speaker} data-kind={kind}>
      <header>{label ?? ROLE_NAMES[speaker] ?? speaker}</header>
      <Markdown text={text} />
    </article>
  );
}

/**
 * The conversation before the rated response, folded: the turn it answers stays in view, the earlier
 * turns open on demand, so a long chat never pushes the response out of sight.
 */
export function Context({ context }: { context: Message[] }) {
  let shown = context.length;
  for (let index = context.length - 1; index >= 0; index--) {
    if (context[index]?.role === 'user') {
      shown = index;
      break;
    }
  }
  const earlier = context.slice(0, shown);
  const prompt = context.slice(shown);
  return (
    <section class="transcript context" aria-label="Conversation before the response">
      {earlier.length > 0 && (
        <details class="earlier">
          <summary>
            {earlier.length} earlier turn{earlier.length === 1 ? '' : 's'}
          </summary>
          <div class="transcript">
            {earlier.map((message, index) => (
              <Bubble key={index} speaker={message.role} text={message.content} />
            ))}
          </div>
        </details>
      )}
      {prompt.map((message, index) => (
        <Bubble key={index} speaker={message.role} kind="prompt" text={message.content} />
      ))}
    </section>
  );
}
