import { defineSiteAdapter } from './define-site-adapter.ts';

export default defineSiteAdapter({
  id: 'claude',
  label: 'Claude',
  matches: ['https://claude.ai/*'],
  testUrls: ['https://claude.ai/chat/0b8c1f7e-0000-4000-8000-000000000001'],
});
