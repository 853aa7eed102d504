import { useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import { siteAdapters } from '../../sites/index.ts';
import { sendMessage } from '../../utils/messaging.ts';
import type { TabHealth } from '../../utils/page-health.ts';
import './health-section.css';

/**
 * How Margin is doing on the current tab (the content script's health check): when a site's
 * redesign leaves its adapter matching nothing, this says so, naming the site and what failed,
 * instead of the controls just not appearing.
 */
export function HealthSection() {
  const [health, setHealth] = useState<TabHealth | null | undefined>(undefined);
  useEffect(() => {
    void browser.tabs
      .query({ active: true, currentWindow: true })
      .then(([tab]) => (tab?.id === undefined ? null : sendMessage('getTabHealth', tab.id)))
      .then(setHealth, () => setHealth(null));
  }, []);
  if (!health) return null;
  const label = siteAdapters.find((adapter) => adapter.id === health.site)?.label ?? health.site;
  return (
    <section class={`health ${health.problem ? 'health-problem' : 'health-ok'}`} aria-labelledby="health-heading">
      <h2 id="health-heading">This page</h2>
      {health.problem ? (
        <p role="alert" data-health-problem={health.problem.kind}>
          {health.problem.message}
        </p>
      ) : (
        <p data-health="ok">
          {label}: controls on {health.withControls} of {health.assistantTurns}{' '}
          {health.assistantTurns === 1 ? 'response' : 'responses'}
          {health.streaming > 0 ? ` (${health.streaming} still being written)` : ''}.
        </p>
      )}
    </section>
  );
}
