import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { convertChatGptConversation } from '../../companion/src/import-history/chatgpt.ts';
import { type TreeNode, walkTree } from '../../companion/src/import-history/conversation-tree.ts';
import { openExportInput } from '../../companion/src/import-history/export-input.ts';
import { GEMINI_CONVERSATION_GAP_MS, readGeminiTakeout } from '../../companion/src/import-history/gemini.ts';
import { htmlToMarkdown } from '../../companion/src/import-history/html-to-markdown.ts';
import { ImportError } from '../../companion/src/import-history/import-error.ts';
import { streamJsonElements } from '../../companion/src/import-history/json-stream.ts';
import type { ImportedConversation } from '../../companion/src/import-history/records.ts';
import { detectSource, sniffJson } from '../../companion/src/import-history/sources.ts';
import { historyFixture } from './support/history-store.ts';

/** Parses `text` fed in chunks of `size` bytes, so values and errors cross chunk boundaries. */
async function parse(text: string, size: number, objectPath = '$.conversations.*'): Promise<unknown[]> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const out: unknown[] = [];
  for await (const value of streamJsonElements(Readable.from(chunks), {
    file: 'f.json',
    entry: 'e.json',
    objectPath,
  })) {
    out.push(value);
  }
  return out;
}

describe('streaming JSON', () => {
  it('yields each element of an array, or of the list an object wraps, whatever the chunk size', async () => {
    for (const size of [1, 3, 64, 4096]) {
      expect(await parse('[{"a":1},{"b":[2,"é"]}]', size)).toEqual([{ a: 1 }, { b: [2, 'é'] }]);
      expect(await parse(' {"conversations": [{"a":1}], "other": {"x": 1}}', size)).toEqual([{ a: 1 }]);
    }
    expect(await parse('{"id": "c", "mapping": {}}', 7, '$')).toEqual([{ id: 'c', mapping: {} }]);
  });

  it('names the byte, line and column of a syntax error, and yields the elements before it first', async () => {
    const text = '[{"a":1},\n  {"b": tru}]';
    for (const size of [1, 5, 4096]) {
      const seen: unknown[] = [];
      const error = await (async () => {
        for await (const value of streamJsonElements(
          Readable.from([Buffer.from(text)].flatMap((b) => split(b, size))),
          {
            file: 'f.json',
            entry: 'e.json',
            objectPath: '$',
          },
        )) {
          seen.push(value);
        }
      })().catch((caught: unknown) => caught);
      expect(seen).toEqual([{ a: 1 }]);
      expect(error).toBeInstanceOf(ImportError);
      expect((error as Error).message).toBe(
        'f.json → e.json: JSON syntax error: unexpected "}" at byte 21 (line 2, column 12)',
      );
    }
  });

  it('says when the JSON is cut off, empty, or not an array or object', async () => {
    await expect(parse('[{"a":1},{"b"', 4)).rejects.toThrow(
      'f.json → e.json: the JSON ends too early (the file is cut off) at byte 13',
    );
    await expect(parse('   ', 4)).rejects.toThrow('f.json → e.json: it is empty: no JSON in it');
    await expect(parse('"hello"', 4)).rejects.toThrow(/expected an array or an object at byte 0 \(line 1, column 1\)/);
  });
});

function split(buffer: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += size) out.push(buffer.subarray(i, i + size));
  return out;
}

describe('HTML to markdown (Gemini answers)', () => {
  it('keeps headings, emphasis, lists, links, code blocks and tables, and reads HTML as text only', () => {
    const html =
      '<h2>Plan</h2><p>Use <strong>reduce</strong> and <em>map</em>, see <a href="https://example.org/x">docs</a>.</p>' +
      '<ol><li>First</li><li>Second<ul><li>nested</li></ul></li></ol>' +
      '<pre><code class="language-python">if a &lt; b:\n    print("&amp;")\n</code></pre>' +
      '<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2 | 3</td></tr></table>' +
      '<p>Not a link: <a href="javascript:alert(1)">click</a><script>alert(1)</script></p>';
    expect(htmlToMarkdown(html)).toBe(
      [
        '## Plan',
        'Use **reduce** and *map*, see [docs](https://example.org/x).',
        '1. First\n2. Second\n\n   - nested',
        '```python\nif a < b:\n    print("&")\n```',
        '| A | B |\n| --- | --- |\n| 1 | 2 \\| 3 |',
        'Not a link: click',
      ].join('\n\n'),
    );
  });
});

describe('the conversation tree', () => {
  type Value = { role: 'user' | 'assistant' | 'root'; text: string };
  const node = (id: string, parentId: string | null, role: Value['role'], text = id, order = 0): TreeNode<Value> => ({
    id,
    parentId,
    order,
    value: { role, text },
  });
  const walk = (nodes: TreeNode<Value>[], skipped: Record<string, number> = {}) =>
    walkTree(
      nodes,
      'conv',
      {
        kind: (value) => (value.role === 'user' ? 'prompt' : value.role === 'assistant' ? 'part' : 'skip'),
        prompt: (value, id) => ({ message: { role: 'user', content: value.text }, nativeId: id }),
        response: (parts) => ({
          messageId: parts.map((part) => part.text).join('+'),
          response: parts.map((part) => part.text).join(' '),
          model: null,
          modelSource: 'unknown',
          createdAt: '2026-01-01T00:00:00.000Z',
          metadata: {},
        }),
      },
      skipped,
    );

  it('builds children from parent links, orders siblings by time, and survives a cycle and a missing parent', () => {
    const skipped: Record<string, number> = {};
    const responses = walk(
      [
        node('root', null, 'root'),
        node('u1', 'root', 'user'),
        node('a2', 'u1', 'assistant', 'a2', 2),
        node('a1', 'u1', 'assistant', 'a1', 1),
        node('x', 'y', 'assistant', 'orphan-x'),
        node('y', 'x', 'assistant', 'orphan-y'),
        node('lost', 'gone', 'assistant', 'lost'),
      ],
      skipped,
    );
    expect(responses.map((response) => [response.messageId, response.variant?.index])).toEqual([
      ['a1', 1],
      ['a2', 2],
    ]);
    expect(skipped).toEqual({ 'response before any prompt': 1 });
  });

  it('gives a turn made of several messages one response, keyed on what the reader says, and continues from it', () => {
    const responses = walk([
      node('u1', null, 'user', 'q1'),
      node('t', 'u1', 'assistant', 'thinking'),
      node('a', 't', 'assistant', 'answer'),
      node('u2', 'a', 'user', 'q2'),
      node('b', 'u2', 'assistant', 'second'),
    ]);
    expect(responses.map((response) => response.messageId)).toEqual(['thinking+answer', 'second']);
    expect(responses[1]?.context).toEqual([
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'thinking answer' },
      { role: 'user', content: 'q2' },
    ]);
  });
});

describe('ChatGPT conversations of other shapes', () => {
  const state = () => ({ assetNames: new Map<string, string>(), feedback: new Map(), comparisons: new Map() });
  it('reads `thoughts` given as a string, and a conversation whose nodes list no children', () => {
    const converted = convertChatGptConversation(
      {
        conversation_id: 'c1',
        mapping: {
          r: { id: 'r', parent: null, message: null },
          u: {
            id: 'u',
            parent: 'r',
            message: { id: 'u', author: { role: 'user' }, content: { content_type: 'text', parts: ['Q'] } },
          },
          t: {
            id: 't',
            parent: 'u',
            message: {
              id: 't',
              author: { role: 'assistant' },
              content: { content_type: 'thoughts', thoughts: 'Hmm.' },
            },
          },
          a: {
            id: 'a',
            parent: 't',
            message: {
              id: 'a',
              author: { role: 'assistant' },
              content: { content_type: 'text', parts: ['A'] },
              create_time: 1e9,
            },
          },
        },
      },
      state(),
    ) as ImportedConversation;
    expect(converted.responses).toMatchObject([
      { messageId: 'a', response: 'A', reasoning: 'Hmm.', createdAt: '2001-09-09T01:46:40.000Z' },
    ]);
  });

  it('skips what is not a conversation, saying why', () => {
    expect(convertChatGptConversation('text', state())).toEqual({ skip: 'conversation that is not an object' });
    expect(convertChatGptConversation({ title: 'x' }, state())).toEqual({ skip: 'conversation without an id' });
    expect(convertChatGptConversation({ id: 'x' }, state())).toEqual({ skip: 'conversation without mapping' });
  });
});

describe('recognizing the export', () => {
  it('tells the sources apart from their first keys', () => {
    expect(sniffJson('[{"title": "x", "create_time": 1.5, "mapping": {"a": {}}, "current_node": "a"')).toBe('chatgpt');
    expect(sniffJson('[{"uuid": "u", "name": "n", "chat_messages": [')).toBe('claude');
    expect(sniffJson('[{"header": "Gemini Apps", "title": "Prompted hi"')).toBe('gemini');
    expect(sniffJson('[{"id": "c", "chat": {"history": {"currentId": "m"')).toBe('openwebui');
    expect(sniffJson('{"conversationId": "c", "messages": [{"parentMessageId": "x"')).toBe('librechat');
    expect(sniffJson('{"name": "package", "version": "1.0.0"}')).toBeNull();
  });

  it('recognizes each fixture export, from a ZIP, a folder or one file', async () => {
    const cases: Array<[string[], string]> = [
      [['chatgpt', 'export.zip'], 'chatgpt'],
      [['chatgpt', 'sharded'], 'chatgpt'],
      [['claude', 'export.zip'], 'claude'],
      [['claude', 'conversations.json'], 'claude'],
      [['gemini', 'takeout.zip'], 'gemini'],
      [['open-webui', 'chat-export-single.json'], 'openwebui'],
      [['librechat', 'tree.json'], 'librechat'],
    ];
    for (const [path, source] of cases) {
      const input = await openExportInput(historyFixture(...path));
      expect(await detectSource(input), path.join('/')).toBe(source);
      await input.close();
    }
  });
});

describe('Gemini activity grouped into conversations', () => {
  const activity = (minutes: number, title: string, extra: Record<string, unknown> = {}) => ({
    header: 'Gemini Apps',
    title,
    time: new Date(Date.UTC(2025, 0, 1) + minutes * 60_000).toISOString(),
    products: ['Gemini Apps'],
    safeHtmlItem: [{ html: `<p>answer to ${title}</p>` }],
    ...extra,
  });

  it(`starts a new conversation after ${GEMINI_CONVERSATION_GAP_MS / 60_000} quiet minutes or with another Gem`, async () => {
    const entries = [
      activity(200, 'Prompted five'),
      activity(100, 'Prompted four', { subtitles: [{ name: 'Coach was used in this chat. Manage your Gems.' }] }),
      activity(75, 'Prompted three'),
      activity(30, 'Prompted two'),
      activity(0, 'Prompted one'),
    ];
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'margin-gemini-')), 'My Activity.json');
    writeFileSync(file, JSON.stringify(entries));
    const input = await openExportInput(file);
    const conversations: string[][] = [];
    for await (const event of readGeminiTakeout(input, {})) {
      if (event.kind === 'conversation') {
        conversations.push(event.conversation.responses.map((response) => response.context.at(-1)?.content ?? ''));
      }
    }
    // 0 → 30 is 30 minutes: one conversation; 30 → 75 is 45: a new one; 75 → 100 changes Gem; 100 → 200.
    expect(conversations).toEqual([['five'], ['four'], ['three'], ['one', 'two']]);
  });
});
