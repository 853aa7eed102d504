import { render } from 'preact';
import { createShadowRootUi, defineContentScript } from '#imports';
import { allSiteMatches } from '../../sites/index.ts';
import { sendMessage } from '../../utils/messaging.ts';

export default defineContentScript({
  matches: allSiteMatches,
  runAt: 'document_idle',
  cssInjectionMode: 'ui',
  async main(ctx) {
    // Mount only once the background answers, so a visible host proves both halves are alive.
    await sendMessage('ping', undefined);
    if (!ctx.isValid) return;
    const ui = await createShadowRootUi(ctx, {
      name: 'margin-annotator',
      position: 'inline',
      anchor: 'body',
      append: 'last',
      mode: 'closed',
      isolateEvents: true,
      onMount(container) {
        const root = document.createElement('div');
        container.append(root);
        render(<span>Margin</span>, root);
        return root;
      },
      onRemove(root) {
        if (root) render(null, root);
      },
    });
    ui.mount();
  },
});
