import { useState } from 'preact/hooks';
import type { Item } from '../../../../shared/item.ts';
import { formatDate } from '../format.ts';
import { Bubble } from './transcript.tsx';

/** How many turns before the response show at first; the rest open on demand. */
const RECENT_TURNS = 4;

const SITE_NAMES: Record<string, string> = {
  chatgpt: 'ChatGPT',
  claude: 'Claude',
  gemini: 'Gemini',
  'open-webui': 'Open WebUI',
  librechat: 'LibreChat',
};

/** One imported response, as the Rate view shows it: where it is from, the turns before it, the answer. */
export function HistoryItem({ item }: { item: Item }) {
  const [all, setAll] = useState(false);
  const hidden = all ? 0 : Math.max(0, item.context.length - RECENT_TURNS);
  const shown = item.context.slice(hidden);
  return (
    <article class="history-item" data-item-id={item.id} aria-label="Response to rate">
      <p class="history-meta">
        <span>{SITE_NAMES[item.site] ?? item.site}</span>
        {item.model && <span>{item.model}</span>}
        <span>{formatDate(item.createdAt)}</span>
        <span>
          turn {item.context.length + 1}
          {item.variant ? ` · version ${item.variant.index} of ${item.variant.count}` : ''}
        </span>
        {item.url && (
          <a href={item.url} target="_blank" rel="noreferrer noopener">
            open the conversation
          </a>
        )}
      </p>
      <section class="transcript" aria-label="Conversation before the response">
        {hidden > 0 && (
          <button type="button" class="link" onClick={() => setAll(true)}>
            Show {hidden} earlier turn{hidden === 1 ? '' : 's'}
          </button>
        )}
        {shown.map((message, index) => (
          <Bubble key={`${hidden + index}`} speaker={message.role} text={message.content} />
        ))}
        {item.reasoning && (
          <details class="reasoning">
            <summary>The model’s reasoning</summary>
            <Bubble speaker="assistant" label="Reasoning" kind="reasoning" text={item.reasoning} />
          </details>
        )}
        <Bubble
          speaker="assistant"
          kind="response"
          label={`Response to rate${item.model ? ` · ${item.model}` : ''}`}
          text={item.response}
        />
      </section>
    </article>
  );
}
