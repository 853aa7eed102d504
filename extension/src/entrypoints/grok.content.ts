import { defineContentScript } from '#imports';
import { startAnnotating } from '../annotate/start-annotating.ts';
import grok from '../sites/grok.ts';

// Grok's content script. Each site has its own, carrying only its own adapter: every page pays
// for what its content script weighs (docs/benchmarks.md, "content script, gzip").
export default defineContentScript({
  matches: grok.matches,
  runAt: 'document_idle',
  main: (ctx) => startAnnotating(ctx, grok),
});
