import { defineContentScript } from '#imports';
import { startAnnotating } from '../annotate/start-annotating.ts';
import aiStudio from '../sites/ai-studio.ts';

// Google AI Studio's content script. Each site has its own, carrying only its own adapter: every page pays
// for what its content script weighs (docs/benchmarks.md, "content script, gzip").
export default defineContentScript({
  matches: aiStudio.matches,
  runAt: 'document_idle',
  main: (ctx) => startAnnotating(ctx, aiStudio),
});
