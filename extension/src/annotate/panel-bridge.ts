/**
 * The global, in the content script's own world (never the page's), through which the panel script
 * (entrypoints/annotate-panels.ts) takes the content script's Preact and hands back its panels: both
 * must render with ONE Preact, whose hooks state is module-wide. The build maps the panel script's
 * `preact` imports to this object's fields (build/panel-script.ts).
 */
export const PANEL_BRIDGE = 'marginPanelBridge';

/**
 * The Preact exports the bridge lends, by module. Only these: lending a whole module would keep all of
 * it in the content script. The build stops if the panel script imports anything else.
 */
export const LENT_PREACT = {
  preact: ['render'],
  'preact/hooks': ['useEffect', 'useLayoutEffect', 'useRef', 'useState'],
  'preact/jsx-runtime': ['Fragment', 'jsx', 'jsxs'],
} as const satisfies Record<string, readonly string[]>;

/** The bridge field each lent module is read from. */
export const BRIDGE_FIELDS: Record<keyof typeof LENT_PREACT, string> = {
  preact: 'preact',
  'preact/hooks': 'hooks',
  'preact/jsx-runtime': 'jsxRuntime',
};

/** The panel script's entrypoint name, and the file the background injects. */
export const PANEL_SCRIPT_NAME = 'annotate-panels';
export const PANEL_SCRIPT = `/${PANEL_SCRIPT_NAME}.js` as const;
