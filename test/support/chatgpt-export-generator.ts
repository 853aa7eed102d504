/**
 * Synthetic ChatGPT conversations in the export's own shape (docs/history-import.md): a mapping tree
 * with `children`, float timestamps, model slugs, regenerated answers, thinking turns. Deterministic
 * for a seed, so the kill test and the benchmark import the same data every run.
 */

const WORDS = (
  'the router drops wifi every hour check lease time channel firmware update signal strength modem ' +
  'reset cable network adapter driver laptop power saving setting interface address gateway dns server ' +
  'configure option value default manual automatic performance latency bandwidth packet loss test result ' +
  'python function return list loop index array string number error exception handle file read write ' +
  'data frame column row filter sort group aggregate mean median plot chart axis label title legend ' +
  'recipe flour water salt yeast dough bake oven temperature minutes hours rest fold shape proof crust'
).split(' ');

/** mulberry32: a tiny seeded PRNG. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function words(next: () => number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) out.push(WORDS[Math.floor(next() * WORDS.length)] as string);
  const text = out.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function paragraphs(next: () => number, chars: number): string {
  const out: string[] = [];
  let length = 0;
  while (length < chars) {
    const paragraph = words(next, 20 + Math.floor(next() * 60));
    out.push(
      next() < 0.15
        ? `\`\`\`python\nfor item in items:\n    print(item)  # ${paragraph.slice(0, 40)}\n\`\`\``
        : paragraph,
    );
    length += paragraph.length + 2;
  }
  return out.join('\n\n');
}

const uuid = (next: () => number) =>
  'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => Math.floor(next() * 16).toString(16));

export interface GeneratedConversationOptions {
  /** Turns (prompt + answer) on the main branch. */
  turns: number;
  /** Characters of an answer, roughly. */
  answerChars: number;
}

/** One conversation as `conversations.json` holds it. */
export function generateConversation(
  index: number,
  seed: number,
  options: GeneratedConversationOptions = { turns: 6, answerChars: 1500 },
): Record<string, unknown> {
  const next = random(seed * 1_000_003 + index);
  const id = uuid(next);
  const start = 1_700_000_000 + index * 3600 + next();
  const mapping: Record<string, { id: string; parent: string | null; children: string[]; message: unknown }> = {};
  const add = (parent: string | null, message: Record<string, unknown> | null) => {
    const nodeId = message ? (message.id as string) : uuid(next);
    mapping[nodeId] = { id: nodeId, parent, children: [], message };
    if (parent) mapping[parent]?.children.push(nodeId);
    return nodeId;
  };
  let time = start;
  const message = (role: string, content: Record<string, unknown>, slug?: string) => {
    time += 1 + next() * 30;
    return {
      id: uuid(next),
      author: { role, name: null, metadata: {} },
      create_time: time,
      update_time: null,
      content,
      status: 'finished_successfully',
      end_turn: role === 'assistant' ? true : null,
      weight: 1.0,
      metadata: slug ? { model_slug: slug, default_model_slug: slug, finish_details: { type: 'stop' } } : {},
      recipient: 'all',
      channel: null,
    };
  };
  let parent = add(null, null);
  const slug = next() < 0.3 ? 'o3' : next() < 0.5 ? 'gpt-4o' : 'gpt-5';
  for (let turn = 0; turn < options.turns; turn += 1) {
    const user = add(
      parent,
      message('user', { content_type: 'text', parts: [words(next, 8 + Math.floor(next() * 30))] }),
    );
    let from = user;
    if (slug === 'o3') {
      from = add(
        user,
        message(
          'assistant',
          {
            content_type: 'thoughts',
            thoughts: [{ summary: words(next, 4), content: words(next, 40), chunks: [], finished: true }],
          },
          slug,
        ),
      );
    }
    const answerChars = Math.max(50, Math.round(options.answerChars * (0.5 + next())));
    const answer = add(
      from,
      message('assistant', { content_type: 'text', parts: [paragraphs(next, answerChars)] }, slug),
    );
    // Now and then a regenerated answer: a sibling branch of the same prompt.
    if (next() < 0.2)
      add(from, message('assistant', { content_type: 'text', parts: [paragraphs(next, answerChars)] }, slug));
    parent = answer;
  }
  return {
    title: words(next, 4),
    create_time: start,
    update_time: time,
    mapping,
    moderation_results: [],
    current_node: parent,
    plugin_ids: null,
    conversation_id: id,
    conversation_template_id: null,
    gizmo_id: null,
    is_archived: false,
    safe_urls: [],
    default_model_slug: slug,
    id,
  };
}

/** A `conversations.json` (or one shard) for conversations `from` to `to` - 1, as chunks of JSON. */
export function* conversationsJson(
  from: number,
  to: number,
  seed: number,
  options?: GeneratedConversationOptions,
): Generator<Buffer> {
  yield Buffer.from('[');
  for (let index = from; index < to; index += 1) {
    yield Buffer.from(`${index > from ? ', ' : ''}${JSON.stringify(generateConversation(index, seed, options))}`);
  }
  yield Buffer.from(']');
}
