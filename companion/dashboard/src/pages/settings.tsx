import type { PageProps } from '../page.ts';

export function SettingsPage(_props: PageProps) {
  return <p class="muted">Coming in the next commit.</p>;
}
