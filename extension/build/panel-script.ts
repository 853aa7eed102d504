import type { Plugin } from 'rollup';
import type { InlineConfig } from 'vite';
import { BRIDGE_FIELDS, LENT_PREACT, PANEL_BRIDGE, PANEL_SCRIPT_NAME } from '../src/annotate/panel-bridge.ts';

type Lent = keyof typeof LENT_PREACT;
const isLent = (id: string): id is Lent => Object.hasOwn(LENT_PREACT, id);

/** Stops the build when the panel script imports a Preact export the content script does not lend. */
function onlyLentPreact(): Plugin {
  return {
    name: 'margin:only-lent-preact',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        for (const [id, names] of Object.entries(chunk.importedBindings)) {
          const lent: readonly string[] = isLent(id) ? LENT_PREACT[id] : [];
          const missing = names.filter((name) => !lent.includes(name));
          if (missing.length > 0) {
            this.error(
              `the panel script imports ${missing.join(', ')} from ${id}, which the content script does not lend: add it to LENT_PREACT (extension/src/annotate/panel-bridge.ts)`,
            );
          }
        }
      }
    },
  };
}

/**
 * The panel script (entrypoints/annotate-panels.ts) is built like any unlisted script (one IIFE), but
 * without a Preact of its own: its panels render inside the content script's Preact tree, and a second
 * copy would have its own hooks state (every hook in a panel would throw). Preact is external, read
 * from the bridge global the content script sets before it asks for the panel script.
 */
export function sharePreactWithContentScript(entrypoints: readonly { name: string }[], config: InlineConfig): void {
  if (!entrypoints.some((entrypoint) => entrypoint.name === PANEL_SCRIPT_NAME)) return;
  const globals = Object.fromEntries(
    Object.entries(BRIDGE_FIELDS).map(([id, field]) => [id, `${PANEL_BRIDGE}.${field}`]),
  );
  config.build ??= {};
  config.build.rollupOptions ??= {};
  const rollup = config.build.rollupOptions;
  // The dev runtime too: `wxt dev` compiles JSX against it.
  rollup.external = [...Object.keys(globals), 'preact/jsx-dev-runtime'];
  rollup.output ??= {};
  for (const options of Array.isArray(rollup.output) ? rollup.output : [rollup.output]) {
    options.globals = { ...globals, 'preact/jsx-dev-runtime': globals['preact/jsx-runtime'] as string };
  }
  config.plugins = [...(config.plugins ?? []), onlyLentPreact()];
}
