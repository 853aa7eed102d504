import type { Plugin } from 'vite';

/**
 * Preact supports `dangerouslySetInnerHTML` with one `dom.innerHTML = value.__html` in its renderer
 * (src/diff/index.js). Margin's extension never uses that prop (Biome's noDangerouslySetInnerHtml
 * forbids it, and page content is only ever read as data), but the assignment is still in every bundle
 * that renders with Preact, and Firefox Add-ons' linter flags it (UNSAFE_VAR_ASSIGNMENT) in the content
 * script and the shared chunk. Preact has no option to leave the branch out, so the build swaps that
 * one assignment for an error: the prop fails loudly instead of writing HTML. If a Preact release
 * reshapes the line, the build stops here rather than shipping the assignment again.
 */
const PREACT_BUNDLE = /[\\/]node_modules[\\/]preact[\\/]dist[\\/]preact\.mjs$/;
const INNER_HTML_ASSIGNMENT = /\b([A-Za-z_$][\w$]*)\.innerHTML\s*=\s*([A-Za-z_$][\w$]*)\.__html\b/g;
const REFUSAL = '(()=>{throw new Error("dangerouslySetInnerHTML is disabled in the Margin extension")})()';

export function preactWithoutInnerHtml(): Plugin {
  return {
    name: 'margin:preact-without-inner-html',
    apply: 'build',
    enforce: 'pre',
    transform(code, id) {
      if (!PREACT_BUNDLE.test(id)) return null;
      const found = code.match(INNER_HTML_ASSIGNMENT)?.length ?? 0;
      if (found !== 1) {
        this.error(
          `expected one innerHTML assignment in ${id}, found ${found}: Preact changed; update extension/build/preact-without-inner-html.ts`,
        );
      }
      return { code: code.replace(INNER_HTML_ASSIGNMENT, REFUSAL), map: null };
    },
  };
}
