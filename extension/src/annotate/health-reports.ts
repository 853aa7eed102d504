import type { PageHealth } from '../utils/page-health.ts';
import { diagnose, NO_TURNS_GRACE_MS } from './health.ts';
import type { PageAnnotator } from './page-annotator.tsx';

/** Re-checks at most this often after the page changed. */
const UPDATE_THROTTLE_MS = 1_000;
/** While a verdict can still change with time alone (grace period, a response streaming), checks this often. */
const TICK_MS = 2_500;

/**
 * Sends the page's health to the background whenever it changes: after the grace period, after the
 * annotator's work batches (throttled), and on a slow tick while time alone can change the verdict
 * (no messages yet, or a response that may be stuck streaming). Returns a function that stops it.
 * It comes with the panel script, started once the page is idle (start-annotating.ts).
 */
export function startHealthReports(
  annotator: PageAnnotator,
  label: string,
  send: (health: PageHealth) => Promise<unknown>,
  /** When the content script started (the grace period counts from there, not from this call). */
  started: number = performance.now(),
): () => void {
  let last = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  function check(): void {
    timer = undefined;
    if (stopped) return;
    const counts = annotator.counts();
    const elapsed = performance.now() - started;
    const health: PageHealth = {
      site: annotator.adapter.id,
      conversationId: counts.conversationId,
      turns: counts.turns,
      assistantTurns: counts.assistantTurns,
      withControls: counts.withControls,
      withoutAnchor: counts.withoutAnchor,
      streaming: counts.streaming,
      problem: diagnose(label, counts, elapsed),
    };
    const text = JSON.stringify(health);
    if (text !== last) {
      last = text;
      // The background may be restarting; the next change (or tick) sends it again.
      send(health).catch(() => {
        last = '';
      });
    }
    const waiting = (counts.conversationId !== null && counts.turns === 0) || counts.streaming > 0;
    if (waiting) schedule(elapsed < NO_TURNS_GRACE_MS ? NO_TURNS_GRACE_MS - elapsed + 50 : TICK_MS);
  }

  function schedule(delay: number): void {
    if (timer === undefined && !stopped) timer = setTimeout(check, delay);
  }

  // Back/forward cache: the page comes back with this script still running, but the background
  // forgot its report when the tab navigated away.
  const onPageShow = (event: PageTransitionEvent) => {
    if (!event.persisted) return;
    last = '';
    schedule(0);
  };
  window.addEventListener('pageshow', onPageShow);

  const previous = annotator.onUpdate;
  annotator.onUpdate = () => {
    previous?.();
    schedule(UPDATE_THROTTLE_MS);
  };
  schedule(UPDATE_THROTTLE_MS);
  return () => {
    window.removeEventListener('pageshow', onPageShow);
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
