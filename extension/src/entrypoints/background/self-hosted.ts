import { originPattern } from '../../utils/origin-pattern.ts';

/** The id of the content script registered at runtime for self-hosted origins (Open WebUI, LibreChat). */
export const SELF_HOSTED_SCRIPT_ID = 'margin-self-hosted';
/** The self-hosted apps' own bundle (`self-hosted.content`; WXT's output path). */
const CONTENT_SCRIPT = 'content-scripts/self-hosted.js';
/** The id of the content script registered for origins the person opted in to the generic adapter. */
export const GENERIC_SCRIPT_ID = 'margin-generic';
/** The generic adapter's own bundle (`generic.content`), so the sites' content script stays small. */
const GENERIC_SCRIPT = 'content-scripts/generic.js';

export interface ScriptingApi {
  getRegisteredContentScripts(filter: { ids: string[] }): Promise<{ id: string }[]>;
  registerContentScripts(
    scripts: { id: string; matches: string[]; js: string[]; runAt: 'document_idle'; persistAcrossSessions: boolean }[],
  ): Promise<void>;
  unregisterContentScripts(filter: { ids: string[] }): Promise<void>;
}

export interface PermissionsApi {
  contains(permissions: { origins: string[] }): Promise<boolean>;
}

/**
 * Makes the registered content script match exactly the added origins whose host permission the
 * person granted (an origin whose permission was removed in the browser's settings is left out).
 * Runs at start-up and whenever the origins or the permissions change. Returns the origins covered.
 */
export function syncSelfHostedScripts(
  origins: readonly string[],
  scripting: ScriptingApi,
  permissions: PermissionsApi,
): Promise<string[]> {
  return syncRegisteredScript(SELF_HOSTED_SCRIPT_ID, CONTENT_SCRIPT, origins, scripting, permissions);
}

/** The same for the origins opted in to the generic adapter, with its own content script. */
export function syncGenericScripts(
  origins: readonly string[],
  scripting: ScriptingApi,
  permissions: PermissionsApi,
): Promise<string[]> {
  return syncRegisteredScript(GENERIC_SCRIPT_ID, GENERIC_SCRIPT, origins, scripting, permissions);
}

async function syncRegisteredScript(
  id: string,
  script: string,
  origins: readonly string[],
  scripting: ScriptingApi,
  permissions: PermissionsApi,
): Promise<string[]> {
  const granted: string[] = [];
  for (const origin of origins) {
    if (await permissions.contains({ origins: [originPattern(origin)] })) granted.push(origin);
  }
  const existing = await scripting.getRegisteredContentScripts({ ids: [id] });
  if (existing.length > 0) await scripting.unregisterContentScripts({ ids: [id] });
  const matches = [...new Set(granted.map(originPattern))];
  if (matches.length > 0) {
    await scripting.registerContentScripts([
      { id, matches, js: [script], runAt: 'document_idle', persistAcrossSessions: true },
    ]);
  }
  return granted;
}
