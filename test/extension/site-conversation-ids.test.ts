import { describe, expect, it } from 'vitest';
import type { SiteAdapter } from '../../extension/src/sites/define-site-adapter.ts';
import { siteAdapters } from '../../extension/src/sites/index.ts';

function adapter(id: string): SiteAdapter {
  const found = siteAdapters.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no ${id} adapter`);
  return found;
}

describe('conversation ids from URLs', () => {
  const cases: [string, string, string | null][] = [
    ['chatgpt', 'https://chatgpt.com/c/6740f2a1-0000-8000-8000-000000000001', '6740f2a1-0000-8000-8000-000000000001'],
    [
      'chatgpt',
      'https://chatgpt.com/g/g-p-abc123-project/c/6740f2a1-0000-8000-8000-000000000002',
      '6740f2a1-0000-8000-8000-000000000002',
    ],
    ['chatgpt', 'https://chatgpt.com/g/g-2fkFE8rbu-custom-gpt/c/abc-1', 'abc-1'],
    ['chatgpt', 'https://chatgpt.com/', null],
    ['chatgpt', 'https://chatgpt.com/?temporary-chat=true', null],
    ['claude', 'https://claude.ai/chat/0b8c1f7e-0000-4000-8000-000000000001', '0b8c1f7e-0000-4000-8000-000000000001'],
    ['claude', 'https://claude.ai/new', null],
    ['gemini', 'https://gemini.google.com/app/1a2b3c4d5e6f7a8b', '1a2b3c4d5e6f7a8b'],
    ['gemini', 'https://gemini.google.com/u/2/app/1a2b3c4d5e6f7a8b', '1a2b3c4d5e6f7a8b'],
    ['gemini', 'https://gemini.google.com/gem/coding-partner/1a2b3c4d5e6f7a8b', '1a2b3c4d5e6f7a8b'],
    ['gemini', 'https://gemini.google.com/app', null],
    ['copilot', 'https://www.copilot.com/chats/1wdhbpr2TwPnaJC6YMdbH', '1wdhbpr2TwPnaJC6YMdbH'],
    ['copilot', 'https://copilot.microsoft.com/chats/1wdhbpr2TwPnaJC6YMdbH?form=x', '1wdhbpr2TwPnaJC6YMdbH'],
    ['copilot', 'https://copilot.microsoft.com/', null],
    [
      'perplexity',
      'https://www.perplexity.ai/search/how-tall-is-everest-6uwt5.otQN2tlcAuCSk5KA',
      'how-tall-is-everest-6uwt5.otQN2tlcAuCSk5KA',
    ],
    ['perplexity', 'https://www.perplexity.ai/thread/abc-123', 'abc-123'],
    ['perplexity', 'https://www.perplexity.ai/', null],
    ['perplexity', 'https://www.perplexity.ai/spaces/my-space', null],
    [
      'deepseek',
      'https://chat.deepseek.com/a/chat/s/040e281f-fd36-41a0-8b5a-85344dc365ed',
      '040e281f-fd36-41a0-8b5a-85344dc365ed',
    ],
    ['deepseek', 'https://chat.deepseek.com/', null],
    [
      'grok',
      'https://grok.com/c/0d4b3e52-0000-4000-8000-000000000001?rid=8eb9b53e',
      '0d4b3e52-0000-4000-8000-000000000001',
    ],
    ['grok', 'https://grok.com/', null],
    [
      'mistral',
      'https://chat.mistral.ai/chat/8f1c2d3e-0000-4000-8000-000000000001',
      '8f1c2d3e-0000-4000-8000-000000000001',
    ],
    ['mistral', 'https://chat.mistral.ai/chat', null],
    ['poe', 'https://poe.com/chat/2abc3def4ghi', '2abc3def4ghi'],
    ['poe', 'https://poe.com/Assistant', null],
    ['huggingchat', 'https://huggingface.co/chat/conversation/68b2f0c1a9e4d3b2c1f0e9d8', '68b2f0c1a9e4d3b2c1f0e9d8'],
    ['huggingchat', 'https://huggingface.co/chat/', null],
    ['ai-studio', 'https://aistudio.google.com/prompts/1aB2cD3eF4gH', '1aB2cD3eF4gH'],
    ['ai-studio', 'https://aistudio.google.com/app/prompts/1aB2cD3eF4gH', '1aB2cD3eF4gH'],
    ['ai-studio', 'https://aistudio.google.com/prompts/new_chat', null],
    [
      'open-webui',
      'http://localhost:3000/c/3f2a1b0c-0000-4000-8000-000000000001',
      '3f2a1b0c-0000-4000-8000-000000000001',
    ],
    ['open-webui', 'http://localhost:3000/', null],
    [
      'librechat',
      'http://localhost:3080/c/9b8a7c6d-0000-4000-8000-000000000001',
      '9b8a7c6d-0000-4000-8000-000000000001',
    ],
    ['librechat', 'http://localhost:3080/c/new', null],
  ];
  it.each(cases)('%s %s', (site, url, expected) => {
    expect(adapter(site).conversationId(new URL(url))).toBe(expected);
  });
});
