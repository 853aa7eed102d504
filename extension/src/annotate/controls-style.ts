/** The controls' CSS, kept in the bundle (no web-accessible CSS file the page could probe for). */
export const CONTROLS_CSS = `
:host { all: initial; display: block; }
.root { --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --line: #d1d9e0; --accent: #0969da; --hover: #f0f3f6; --bad: #cf222e; --good: #1a7f37;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 4px 0; }
.root[data-theme="dark"] { --fg: #e6edf3; --muted: #9198a1; --bg: #151b23; --line: #3d444d; --accent: #4493f8; --hover: #262c36; --bad: #f85149; --good: #3fb950; }
.bar { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
button { font: inherit; color: var(--fg); background: transparent; border: 1px solid var(--line); border-radius: 6px; padding: 2px 8px; cursor: pointer; min-height: 26px; }
button:hover { background: var(--hover); }
button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
button[aria-pressed="true"] { border-color: var(--accent); background: var(--hover); color: var(--accent); font-weight: 600; }
button[aria-expanded="true"] { border-color: var(--accent); }
.tag { border: 1px solid var(--line); border-radius: 999px; padding: 0 6px; color: var(--muted); font-size: 12px; }
.status { color: var(--muted); font-size: 12px; margin-left: 4px; }
.status.error { color: var(--bad); }
.status.saved { color: var(--good); }
.panel { margin-top: 6px; padding: 8px; border: 1px solid var(--line); border-radius: 8px; background: var(--bg); display: grid; gap: 6px; max-width: 720px; }
.panel label { color: var(--muted); font-size: 12px; display: grid; gap: 4px; }
textarea, input[type="text"] { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 4px 6px; width: 100%; box-sizing: border-box; }
textarea { min-height: 80px; resize: vertical; }
textarea.correction { min-height: 200px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
.row { display: flex; gap: 6px; align-items: center; }
.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
select, input[type="number"] { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 2px 4px; }
.rubric { border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; margin: 0; display: grid; gap: 6px; }
.rubric legend { color: var(--muted); font-size: 12px; padding: 0 4px; }
.question-label { display: block; color: var(--muted); font-size: 12px; }
label.inline { display: inline-flex; gap: 4px; align-items: center; margin-right: 10px; color: var(--fg); font-size: 13px; }
.field-error { color: var(--bad); font-size: 12px; margin: 2px 0 0; }
[aria-invalid="true"] { border-color: var(--bad); }
.compare p { margin: 0; }
`;
