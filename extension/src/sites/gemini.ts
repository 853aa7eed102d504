import { defineSiteAdapter } from './define-site-adapter.ts';

export default defineSiteAdapter({
  id: 'gemini',
  label: 'Gemini',
  matches: ['https://gemini.google.com/*'],
  testUrls: ['https://gemini.google.com/app/1a2b3c4d5e6f7a8b', 'https://gemini.google.com/u/1/app/1a2b3c4d5e6f7a8b'],
});
