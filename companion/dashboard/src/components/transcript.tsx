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

/** The conversation before the response, then the response (and the correction, if any). */
export function Transcript(props: {
  context: Message[];
  response: string;
  model: string | null;
  correction: string | null;
}) {
  return (
    <section class="transcript" aria-label="Conversation">
      {props.context.map((message, index) => (
        <Bubble key={index} speaker={message.role} text={message.content} />
      ))}
      <Bubble
        speaker="assistant"
        kind="response"
        label={`Rated response${props.model ? ` · ${props.model}` : ''}`}
        text={props.response}
      />
      {props.correction !== null && (
        <Bubble speaker="assistant" kind="correction" label="Correction" text={props.correction} />
      )}
    </section>
  );
}
