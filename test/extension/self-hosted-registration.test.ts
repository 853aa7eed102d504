import { describe, expect, it } from 'vitest';
import {
  GENERIC_SCRIPT_ID,
  SELF_HOSTED_SCRIPT_ID,
  syncGenericScripts,
  syncSelfHostedScripts,
} from '../../extension/src/entrypoints/background/self-hosted.ts';
import { originPattern } from '../../extension/src/utils/origin-pattern.ts';

describe('self-hosted content script registration', () => {
  function fakeScripting() {
    let registered: { id: string; matches: string[]; js?: string[] }[] = [];
    return {
      get registered() {
        return registered;
      },
      getRegisteredContentScripts: async ({ ids }: { ids: string[] }) =>
        registered.filter((script) => ids.includes(script.id)),
      registerContentScripts: async (scripts: { id: string; matches: string[]; js: string[] }[]) => {
        if (scripts.some((script) => registered.some((known) => known.id === script.id))) throw new Error('duplicate');
        registered = [...registered, ...scripts];
      },
      unregisterContentScripts: async ({ ids }: { ids: string[] }) => {
        registered = registered.filter((script) => !ids.includes(script.id));
      },
    };
  }

  it('registers the content script on the granted origins only, and again when they change', async () => {
    const scripting = fakeScripting();
    const granted = new Set(['http://localhost/*']);
    const permissions = {
      contains: async ({ origins }: { origins: string[] }) => origins.every((o) => granted.has(o)),
    };
    const origins = ['http://localhost:3000', 'https://chat.example.org'];
    expect(await syncSelfHostedScripts(origins, scripting, permissions)).toEqual(['http://localhost:3000']);
    expect(scripting.registered).toMatchObject([{ id: SELF_HOSTED_SCRIPT_ID, matches: ['http://localhost/*'] }]);

    granted.add('https://chat.example.org/*');
    expect(await syncSelfHostedScripts(origins, scripting, permissions)).toEqual(origins);
    expect(scripting.registered).toMatchObject([
      { id: SELF_HOSTED_SCRIPT_ID, matches: ['http://localhost/*', 'https://chat.example.org/*'] },
    ]);

    expect(await syncSelfHostedScripts([], scripting, permissions)).toEqual([]);
    expect(scripting.registered).toEqual([]);
  });

  it('registers the generic adapter’s own script beside, and apart from, the self-hosted apps’ one', async () => {
    const scripting = fakeScripting();
    const permissions = { contains: async () => true };
    await syncSelfHostedScripts(['http://localhost:3000'], scripting, permissions);
    expect(await syncGenericScripts(['https://chat.internal'], scripting, permissions)).toEqual([
      'https://chat.internal',
    ]);
    expect(scripting.registered).toMatchObject([
      { id: SELF_HOSTED_SCRIPT_ID, matches: ['http://localhost/*'], js: ['content-scripts/self-hosted.js'] },
      { id: GENERIC_SCRIPT_ID, matches: ['https://chat.internal/*'], js: ['content-scripts/generic.js'] },
    ]);
    await syncGenericScripts([], scripting, permissions);
    expect(scripting.registered.map((script) => script.id)).toEqual([SELF_HOSTED_SCRIPT_ID]);
  });

  it('asks for the host, never a port (Firefox refuses ports in match patterns)', () => {
    expect(originPattern('http://localhost:3000')).toBe('http://localhost/*');
    expect(originPattern('https://chat.example.org')).toBe('https://chat.example.org/*');
  });
});
