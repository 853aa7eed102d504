import markdownIt from 'markdown-it';
import { useEffect, useRef } from 'preact/hooks';

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

/**
 * Review markdown as DOM: the rendered HTML is parsed by DOMParser (an inert document: no script runs,
 * nothing loads) and its nodes moved in. The extension's Preact build refuses dangerouslySetInnerHTML
 * (extension/build/preact-without-inner-html.ts), so no innerHTML assignment ships for store review.
 */
export function Markdown({ text }: { text: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const parsed = new DOMParser().parseFromString(renderMarkdown(text), 'text/html');
    box.current?.replaceChildren(...parsed.body.childNodes);
  }, [text]);
  return <div class="review-text markdown" ref={box} />;
}
