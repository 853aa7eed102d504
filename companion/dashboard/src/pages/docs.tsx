import { useMemo } from 'preact/hooks';
import accountsGuide from '../../../../docs/accounts.md?raw';
import queuesGuide from '../../../../docs/queues.md?raw';
import reviewsGuide from '../../../../docs/reviews.md?raw';
import teamGuide from '../../../../docs/team.md?raw';
import { renderMarkdown } from '../markdown.ts';
import type { PageProps } from '../page.ts';
import { routeHref } from '../router.ts';

/**
 * Guides from the repository's docs/, bundled into the dashboard when it is built (the dashboard
 * cannot read the repository, and the companion serves no other files), at `#/docs/<name>`.
 */
const GUIDES: Record<string, { file: string; text: string }> = {
  reviews: { file: 'docs/reviews.md', text: reviewsGuide },
  accounts: { file: 'docs/accounts.md', text: accountsGuide },
  team: { file: 'docs/team.md', text: teamGuide },
  queues: { file: 'docs/queues.md', text: queuesGuide },
};

/**
 * Links between docs work on GitHub, not here: a link to a bundled guide is rewritten to its route, any
 * other relative link (another doc, an example file, an anchor, which a hash route would take for a
 * page) keeps its words without the link.
 */
function localLinks(markdown: string): string {
  return markdown.replace(/\[([^\]]+)\]\((?!https?:\/\/)([^)\s]*)\)/g, (_match, words: string, target: string) => {
    const name = /^(?:\.\/)?([a-z-]+)\.md(?:#.*)?$/.exec(target)?.[1];
    return name && GUIDES[name] ? `[${words}](${routeHref('docs', [name])})` : words;
  });
}

export function DocsPage({ route }: PageProps) {
  const name = route.rest[0] ?? 'reviews';
  const guide = GUIDES[name];
  const html = useMemo(() => (guide ? renderMarkdown(localLinks(guide.text)) : ''), [guide]);
  if (!guide) return <p class="error">No guide called “{name}” here.</p>;
  return (
    <article class="docs" data-guide={name}>
      <p class="muted">
        <code>{guide.file}</code> from the Margin repository, as of this dashboard's build.
      </p>
      {/* Safe: markdown-it with html:false escapes all raw HTML (see markdown.ts); the text is our own docs. */}
      <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} />
    </article>
  );
}
