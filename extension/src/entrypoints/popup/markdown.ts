import markdownIt from 'markdown-it';

/**
 * Markdown for review texts, which a pipeline wrote (untrusted): `html: false` makes markdown-it escape
 * every raw HTML tag, its `validateLink` refuses `javascript:` and `data:` links, images are off (no
 * fetch of an address the text chose), and links open in a new tab without a Referer.
 */
const markdown = markdownIt({ html: false, linkify: true, breaks: false }).disable(['image']);
const defaultLinkOpen = markdown.renderer.rules.link_open;
markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
  tokens[index]?.attrSet('target', '_blank');
  tokens[index]?.attrSet('rel', 'noreferrer noopener');
  return defaultLinkOpen
    ? defaultLinkOpen(tokens, index, options, env, self)
    : self.renderToken(tokens, index, options);
};

export function renderMarkdown(text: string): string {
  return markdown.render(text);
}
