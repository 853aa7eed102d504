import type { PageSnapshotResult } from '../../utils/messaging.ts';
import type { TabHealth } from '../../utils/page-health.ts';

/** The unlisted script that builds a snapshot in the page (entrypoints/page-snapshot.ts). */
export const SNAPSHOT_SCRIPT = '/page-snapshot.js' as const;

/** The part of `browser.scripting` this needs. */
export interface ScriptingApi {
  executeScript(injection: {
    target: { tabId: number; frameIds?: number[] };
    files: [typeof SNAPSHOT_SCRIPT];
  }): Promise<{ result?: unknown }[]>;
}

interface Injected {
  html: string;
  elements: number;
  turns: number;
  truncated: boolean;
}

const isInjected = (value: unknown): value is Injected =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Injected).html === 'string' &&
  typeof (value as Injected).elements === 'number' &&
  typeof (value as Injected).turns === 'number' &&
  typeof (value as Injected).truncated === 'boolean';

/**
 * "Report a broken page": builds the structural snapshot of the tab's page (its top frame) with the
 * script injected only now, and heads it with what Margin knew (version, site, the health problem),
 * never with the page's address.
 */
export async function snapshotTab(
  tabId: number,
  deps: { scripting: ScriptingApi; health: TabHealth | null; version: string; now: () => Date },
): Promise<PageSnapshotResult> {
  let results: { result?: unknown }[];
  try {
    results = await deps.scripting.executeScript({ target: { tabId, frameIds: [0] }, files: [SNAPSHOT_SCRIPT] });
  } catch (error) {
    return { ok: false, error: `Margin could not read this page: ${error instanceof Error ? error.message : error}` };
  }
  const snapshot = results[0]?.result;
  if (!isInjected(snapshot))
    return { ok: false, error: 'Margin could not read this page: the snapshot came back empty.' };
  const date = deps.now().toISOString();
  const site = deps.health?.site ?? 'page';
  const problem = deps.health?.problem;
  const header = [
    `Margin ${deps.version}, ${date}`,
    `site: ${site}`,
    problem ? `health check: ${problem.kind}: ${problem.message}` : 'health check: no problem reported',
    `${snapshot.elements} elements, ${snapshot.turns} turns found${snapshot.truncated ? ', cut off' : ''}`,
  ]
    .join('; ')
    .replace(/--/g, '- -');
  const [doctype, ...rest] = snapshot.html.split('\n');
  return {
    ok: true,
    fileName: `margin-page-snapshot-${site.replace(/[^a-z0-9-]/g, '')}-${date.slice(0, 10)}.html`,
    html: [doctype, `<!-- ${header} -->`, ...rest].join('\n'),
    elements: snapshot.elements,
    truncated: snapshot.truncated,
  };
}
