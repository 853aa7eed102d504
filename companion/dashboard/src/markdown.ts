import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import markdownIt, { type MarkdownIt, type RendererRule } from 'markdown-it';

const LANGUAGES = { bash, cpp, css, diff, go, java, javascript, json, python, rust, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);

/**
 * Markdown for chat text, which is untrusted (it came from a web page). `html: false` makes markdown-it
 * escape every raw HTML tag, so `<script>` or `<img onerror>` in a response is shown as text; its
 * `validateLink` refuses `javascript:`, `vbscript:`, `file:` and `data:` links. Images are turned off:
 * an image in a transcript would make the browser fetch an address the page chose. Code blocks are
 * highlighted by highlight.js, which escapes the code it wraps.
 */
const markdown: MarkdownIt = markdownIt({
  html: false,
  linkify: true,
  breaks: false,
  highlight(code, language) {
    const name = language.trim().toLowerCase();
    if (name !== '' && hljs.getLanguage(name)) {
      return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
    }
    return ''; // markdown-it escapes it itself
  },
}).disable(['image']);

const renderToken: RendererRule = (tokens, index, options, _env, self) => self.renderToken(tokens, index, options);
const defaultLinkOpen = markdown.renderer.rules.link_open ?? renderToken;
markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
  const token = tokens[index];
  token?.attrSet('target', '_blank');
  token?.attrSet('rel', 'noreferrer noopener');
  return defaultLinkOpen(tokens, index, options, env, self);
};

export function renderMarkdown(text: string): string {
  return markdown.render(text);
}
