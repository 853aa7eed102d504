import { defineSiteAdapter } from './define-site-adapter.ts';

export default defineSiteAdapter({
  id: 'chatgpt',
  label: 'ChatGPT',
  matches: ['https://chatgpt.com/*', 'https://chat.openai.com/*'],
  testUrls: [
    'https://chatgpt.com/c/6740f2a1-0000-8000-8000-000000000001',
    'https://chatgpt.com/g/g-p-abc123-project/c/6740f2a1-0000-8000-8000-000000000002',
    'https://chat.openai.com/c/6740f2a1-0000-8000-8000-000000000003',
  ],
});
