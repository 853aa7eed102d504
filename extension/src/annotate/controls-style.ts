/** The controls' CSS, kept in the bundle (no web-accessible CSS file the page could probe for). */
export const CONTROLS_CSS = `
/* The padding keeps clear space under the bar that no margin of the page can collapse away: on Claude the next user message otherwise sits right under it. */
:host { all: initial; display: block; padding-bottom: 6px; }
.root { --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --line: #d1d9e0; --accent: #0969da; --hover: #f0f3f6; --bad: #cf222e; --good: #1a7f37; --mark: #8250df;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 4px 0; }
.root[data-theme="dark"] { --fg: #e6edf3; --muted: #9198a1; --bg: #151b23; --line: #3d444d; --accent: #4493f8; --hover: #262c36; --bad: #f85149; --good: #3fb950; --mark: #ab7df8; }
/* Margin's own row: a rule above and the mark at its start, so it never reads as the site's buttons. */
.controls { border-top: 1px dashed var(--line); padding-top: 6px; margin-top: 6px; }
.bar { display: flex; flex-wrap: nowrap; gap: 4px; align-items: center; min-width: 0; }
.brand { display: inline-flex; align-items: center; gap: 4px; color: var(--mark); font-size: 11px; font-weight: 600; letter-spacing: .02em; padding-right: 6px; margin-right: 2px; border-right: 1px solid var(--line); flex: none; }
.mark { display: block; }
.glyph { display: block; }
.glyph.down { transform: rotate(180deg); }
.bar > button { flex: none; display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.info { display: flex; gap: 4px; align-items: center; flex: 1 1 auto; min-width: 0; overflow: hidden; white-space: nowrap; }
.controls[data-reveal="hover"]:not(:hover):not(:focus-within):not([data-open]) .bar > :not(.brand) { opacity: 0; }
.controls[data-reveal="hover"]:not(:hover):not(:focus-within):not([data-open]) .brand { opacity: .55; }
button { font: inherit; color: var(--fg); background: transparent; border: 1px solid var(--line); border-radius: 6px; padding: 2px 8px; cursor: pointer; min-height: 26px; }
button:hover { background: var(--hover); }
button:focus-visible, input:focus-visible, textarea:focus-visible, select:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
button[aria-pressed="true"] { border-color: var(--accent); background: var(--hover); color: var(--accent); font-weight: 600; }
button[aria-expanded="true"] { border-color: var(--accent); }
.tag { border: 1px solid var(--line); border-radius: 999px; padding: 0 6px; color: var(--muted); font-size: 12px; flex: none; }
.status { color: var(--muted); font-size: 12px; margin-left: 4px; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
.status.error { color: var(--bad); }
.status.saved { color: var(--good); }
/* Panels float over the page (top layer), anchored to the bar: the page's layout never moves. */
.overlay { position: fixed; inset: auto; margin: 0; padding: 0; border: 0; background: transparent; color: var(--fg); font: inherit;
  width: min(520px, calc(100vw - 16px)); box-sizing: border-box; overflow: auto; z-index: 2147483647; }
.overlay.menu { width: auto; min-width: 180px; }
.panel { padding: 10px; border: 1px solid var(--line); border-radius: 8px; background: var(--bg); display: grid; gap: 6px; box-shadow: 0 8px 24px rgba(0,0,0,.18); box-sizing: border-box; }
.panel label { color: var(--muted); font-size: 12px; display: grid; gap: 4px; }
.panel-title { display: flex; align-items: center; gap: 6px; color: var(--mark); font-size: 12px; font-weight: 600; margin: 0; }
.menu .panel { gap: 2px; padding: 4px; }
.menu .panel > button { text-align: left; border-color: transparent; }
.error-text { color: var(--bad); font-size: 12px; margin: 0; }
textarea, input[type="text"] { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 4px 6px; width: 100%; box-sizing: border-box; }
textarea { min-height: 80px; resize: vertical; }
textarea.correction { min-height: 200px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
.row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
select, input[type="number"] { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 2px 4px; max-width: 100%; }
.rubric { border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; margin: 0; display: grid; gap: 6px; }
.rubric legend { color: var(--muted); font-size: 12px; padding: 0 4px; }
.question-label { display: block; color: var(--muted); font-size: 12px; }
label.inline { display: inline-flex; gap: 4px; align-items: center; margin-right: 10px; color: var(--fg); font-size: 13px; }
.field-error { color: var(--bad); font-size: 12px; margin: 2px 0 0; }
[aria-invalid="true"] { border-color: var(--bad); }
.compare p { margin: 0; }
`;
