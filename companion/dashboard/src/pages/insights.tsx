import type { PageProps } from '../page.ts';

export function InsightsPage(_props: PageProps) {
  return <p class="muted">Coming in the next commit.</p>;
}
