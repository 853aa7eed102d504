import { originPattern } from '../../utils/origin-pattern.ts';

/** The id of the content script registered at runtime for self-hosted origins (Open WebUI, LibreChat). */
export const SELF_HOSTED_SCRIPT_ID = 'margin-self-hosted';
/** The same bundle as the manifest's content script (WXT's output path for `annotate.content`). */
const CONTENT_SCRIPT = 'content-scripts/annotate.js';

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
export async function syncSelfHostedScripts(
  origins: readonly string[],
  scripting: ScriptingApi,
  permissions: PermissionsApi,
): Promise<string[]> {
  const granted: string[] = [];
  for (const origin of origins) {
    if (await permissions.contains({ origins: [originPattern(origin)] })) granted.push(origin);
  }
  const existing = await scripting.getRegisteredContentScripts({ ids: [SELF_HOSTED_SCRIPT_ID] });
  if (existing.length > 0) await scripting.unregisterContentScripts({ ids: [SELF_HOSTED_SCRIPT_ID] });
  const matches = [...new Set(granted.map(originPattern))];
  if (matches.length > 0) {
    await scripting.registerContentScripts([
      { id: SELF_HOSTED_SCRIPT_ID, matches, js: [CONTENT_SCRIPT], runAt: 'document_idle', persistAcrossSessions: true },
    ]);
  }
  return granted;
}
