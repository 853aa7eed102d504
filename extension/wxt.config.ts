import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import rootPackage from '../package.json' with { type: 'json' };

// extension/ is WXT's root: its config, .wxt/ and .output/ stay here, and the root package.json gives
// name and version so the manifest and `margin --version` never disagree.
export default defineConfig({
  srcDir: 'src',
  manifestVersion: 3,
  imports: false,
  vite: () => ({ plugins: [preact()] }),
  hooks: {
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
        gecko: { id: 'margin@margin-annotations.dev', strict_min_version: '128.0' },
      },
    }),
  }),
});
