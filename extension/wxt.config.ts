import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import rootPackage from '../package.json' with { type: 'json' };
import { sharePreactWithContentScript } from './build/panel-script.ts';
import { preactWithoutInnerHtml } from './build/preact-without-inner-html.ts';

// extension/ is WXT's root: its config, .wxt/ and .output/ stay here, and the root package.json gives
// name and version so the manifest and `margin --version` never disagree. Every permission below is
// explained for store reviewers in docs/permissions.md.
export default defineConfig({
  srcDir: 'src',
  manifestVersion: 3,
  imports: false,
  vite: () => ({ plugins: [preact(), preactWithoutInnerHtml()] }),
  hooks: {
    // The panel script renders with the content script's Preact (build/panel-script.ts).
    'vite:build:extendConfig': sharePreactWithContentScript,
    // "Report a broken page" injects its snapshot script (scripting.executeScript), which needs host
    // permission for the page: Chrome does not count content script matches. The chat sites are in
    // content_scripts already, so this asks the person for nothing new.
    'build:manifestGenerated': (_wxt, manifest) => {
      const sites = manifest.content_scripts?.flatMap((script) => script.matches ?? []) ?? [];
      manifest.host_permissions = [...new Set([...(manifest.host_permissions ?? []), ...sites])];
    },
  },
  manifest: ({ browser }) => ({
    name: 'Margin',
    description: rootPackage.description,
    version: rootPackage.version,
    permissions: ['storage', 'unlimitedStorage', 'alarms', 'contextMenus', 'scripting'],
    // Only the companion on loopback; chat sites come from content_scripts matches.
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
    // Self-hosted chat apps (Open WebUI, LibreChat): each origin is asked for when the person adds it
    // in the options, and the content script is registered on it then (background/self-hosted.ts).
    optional_host_permissions: ['http://*/*', 'https://*/*'],
    commands: {
      'open-latest-controls': {
        suggested_key: { default: 'Alt+Shift+M' },
        description: 'Open Margin on the latest response',
      },
    },
    ...(browser === 'firefox' && {
      browser_specific_settings: {
        gecko: {
          id: 'margin@margin-annotations.dev',
          // 140 (the current ESR) is the first to read data_collection_permissions below.
          strict_min_version: '140.0',
          // Firefox's built-in consent: Margin sends nothing to its makers or anyone else. Annotations
          // stay in the browser, or go to the companion the person runs on their own machine (loopback),
          // or to the team server they pair with themselves (https, granted per host at pairing): neither
          // is collection or transmission by the extension's makers (docs/privacy.md).
          data_collection_permissions: { required: ['none'] },
        },
        gecko_android: { strict_min_version: '142.0' },
      },
    }),
  }),
  zip: {
    name: rootPackage.name,
    // The Firefox sources zip is what an add-on reviewer rebuilds from: the extension, shared/ (it
    // imports the schemas) and the root package files, nothing of the companion, tests or docs.
    sourcesRoot: fileURLToPath(new URL('..', import.meta.url)),
    excludeSources: [
      'bench/**',
      'bin/**',
      'companion/**',
      'dist/**',
      'docs/**',
      'test/**',
      '*.tgz',
      'extension/stats*.html',
      'biome.json',
      'vitest.config.ts',
      'CONTRIBUTING.md',
      'DEVELOPERS.md',
    ],
  },
});
