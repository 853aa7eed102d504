import { defineContentScript } from '#imports';
import { startAnnotating } from '../annotate/start-annotating.ts';
import mistral from '../sites/mistral.ts';

// Mistral Le Chat's content script. Each site has its own, carrying only its own adapter: every page pays
// for what its content script weighs (docs/benchmarks.md, "content script, gzip").
export default defineContentScript({
  matches: mistral.matches,
  runAt: 'document_idle',
  main: (ctx) => startAnnotating(ctx, mistral),
});
