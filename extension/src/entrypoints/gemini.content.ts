import { defineContentScript } from '#imports';
import { startAnnotating } from '../annotate/start-annotating.ts';
import gemini from '../sites/gemini.ts';

// Gemini's content script. Each site has its own, carrying only its own adapter: every page pays
// for what its content script weighs (docs/benchmarks.md, "content script, gzip").
export default defineContentScript({
  matches: gemini.matches,
  runAt: 'document_idle',
  main: (ctx) => startAnnotating(ctx, gemini),
});
