import type { OutputBundle, PluginContext } from 'rollup';
import { describe, expect, it, vi } from 'vitest';
import { sharePreactWithContentScript } from '../../extension/build/panel-script.ts';
import { LENT_PREACT, PANEL_BRIDGE, PANEL_SCRIPT } from '../../extension/src/annotate/panel-bridge.ts';
import type { PanelBridge } from '../../extension/src/annotate/panel-kit-loader.ts';
import type { PanelKit } from '../../extension/src/annotate/panels/panel-kit.ts';
import { CAPTURE_SCRIPT } from '../../extension/src/capture/capture-bridge.ts';
import { injectCaptureScript, injectPanelScript } from '../../extension/src/entrypoints/background/panel-script.ts';

describe('the panel script (controls panels loaded on demand, issue 17)', () => {
  it('is injected into the frame of the content script that asked, in its tab', async () => {
    const calls: unknown[] = [];
    const scripting = { executeScript: async (injection: unknown) => void calls.push(injection) };
    await injectPanelScript({ tab: { id: 7 }, frameId: 3 }, scripting);
    await injectPanelScript({ tab: { id: 8 }, frameId: 0 }, scripting);
    expect(calls).toEqual([
      { target: { tabId: 7, frameIds: [3] }, files: [PANEL_SCRIPT] },
      { target: { tabId: 8, frameIds: [0] }, files: [PANEL_SCRIPT] },
    ]);
  });

  it('is refused to a sender outside any tab (an extension page)', async () => {
    const calls: unknown[] = [];
    const scripting = { executeScript: async (injection: unknown) => void calls.push(injection) };
    await expect(injectPanelScript({ frameId: 0 }, scripting)).rejects.toThrow('only a content script in a tab');
    await expect(injectCaptureScript({ frameId: 0 }, scripting)).rejects.toThrow('only a content script in a tab');
    expect(calls).toEqual([]);
  });

  it('has a sibling, the capture script, injected the same way and only as its own file', async () => {
    const calls: unknown[] = [];
    const scripting = { executeScript: async (injection: unknown) => void calls.push(injection) };
    await injectCaptureScript({ tab: { id: 7 }, frameId: 2 }, scripting);
    expect(calls).toEqual([{ target: { tabId: 7, frameIds: [2] }, files: [CAPTURE_SCRIPT] }]);
    expect(CAPTURE_SCRIPT).toBe('/capture-reader.js');
  });

  it('is built without a Preact of its own, reading the lent exports from the bridge', () => {
    const config: Parameters<typeof sharePreactWithContentScript>[1] = { build: { rollupOptions: { output: {} } } };
    sharePreactWithContentScript([{ name: 'annotate-panels' }], config);
    const rollup = config.build?.rollupOptions;
    expect(rollup?.external).toEqual(expect.arrayContaining(Object.keys(LENT_PREACT)));
    const output = rollup?.output as { globals: Record<string, string> };
    expect(output.globals['preact/hooks']).toBe(`${PANEL_BRIDGE}.hooks`);
    expect(output.globals['preact/jsx-runtime']).toBe(`${PANEL_BRIDGE}.jsxRuntime`);

    // Any other entrypoint keeps its own build.
    const other: Parameters<typeof sharePreactWithContentScript>[1] = { build: { rollupOptions: { output: {} } } };
    sharePreactWithContentScript([{ name: 'annotate' }], other);
    expect(other).toEqual({ build: { rollupOptions: { output: {} } } });
  });

  it('stops the build when the panels import a Preact export the content script does not lend', () => {
    const config: Parameters<typeof sharePreactWithContentScript>[1] = {};
    sharePreactWithContentScript([{ name: 'annotate-panels' }], config);
    const check = (config.plugins ?? []).find(
      (plugin) =>
        typeof plugin === 'object' && plugin !== null && 'name' in plugin && plugin.name === 'margin:only-lent-preact',
    ) as unknown as { generateBundle: (this: PluginContext, options: unknown, bundle: OutputBundle) => void };
    const errors: string[] = [];
    const context = {
      error: (message: string) => {
        errors.push(message);
        throw new Error(message);
      },
    } as unknown as PluginContext;
    const bundleImporting = (bindings: Record<string, string[]>) =>
      ({ 'annotate-panels.js': { type: 'chunk', importedBindings: bindings } }) as unknown as OutputBundle;

    check.generateBundle.call(context, {}, bundleImporting({ 'preact/hooks': ['useRef', 'useLayoutEffect'] }));
    expect(errors).toEqual([]);
    expect(() =>
      check.generateBundle.call(context, {}, bundleImporting({ 'preact/hooks': ['useRef', 'useMemo'] })),
    ).toThrow('imports useMemo from preact/hooks, which the content script does not lend');
  });

  it('hands its panels over through the bridge, and a failed load is tried again', async () => {
    const { loadPanelKit, loadedPanelKit } = await import('../../extension/src/annotate/panel-kit-loader.ts');
    const bridge = () => (globalThis as unknown as Record<string, PanelBridge>)[PANEL_BRIDGE] as PanelBridge;
    expect(loadedPanelKit()).toBeNull();

    // The script ran but handed nothing over (an old build): an error, and the next open tries again.
    await expect(loadPanelKit(async () => undefined)).rejects.toThrow('the panel script gave no panels');
    await expect(loadPanelKit(async () => Promise.reject(new Error('tab closed')))).rejects.toThrow('tab closed');

    // What the real script does: read Preact from the bridge, hand over the kit.
    const { panelKit } = await import('../../extension/src/annotate/panels/panel-kit.ts');
    let injections = 0;
    const inject = async () => {
      injections++;
      const lent = bridge();
      expect(Object.keys(lent.hooks).sort()).toEqual([...LENT_PREACT['preact/hooks']].sort());
      expect(Object.keys(lent.jsxRuntime).sort()).toEqual([...LENT_PREACT['preact/jsx-runtime']].sort());
      lent.provide(panelKit);
    };
    await expect(loadPanelKit(inject)).resolves.toBe(panelKit);
    await expect(loadPanelKit(inject)).resolves.toBe(panelKit);
    expect(injections).toBe(1);
    expect(loadedPanelKit()).toBe(panelKit);
  });

  it('hands the panels over once the page is idle, tries a failed load again, and stops once invalidated', async () => {
    vi.useFakeTimers();
    try {
      const { withPanelKitWhenIdle } = await import('../../extension/src/annotate/panel-kit-loader.ts');
      const kit = {} as PanelKit;
      let loads = 0;
      const failingTwice = async () => {
        loads++;
        if (loads <= 2) throw new Error('background restarting');
        return kit;
      };
      const used: PanelKit[] = [];
      withPanelKitWhenIdle({ isValid: true }, (given) => used.push(given), failingTwice);
      expect(loads).toBe(0);
      await vi.runAllTimersAsync();
      expect(loads).toBe(3);
      expect(used).toEqual([kit]);

      // Invalidated (the extension reloaded) before the page was idle: nothing is handed over.
      const ctx = { isValid: true };
      const late: PanelKit[] = [];
      withPanelKitWhenIdle(
        ctx,
        (given) => late.push(given),
        async () => kit,
      );
      ctx.isValid = false;
      await vi.runAllTimersAsync();
      expect(late).toEqual([]);

      // A load that never succeeds is given up after a few tries.
      let attempts = 0;
      withPanelKitWhenIdle(
        { isValid: true },
        () => undefined,
        async () => {
          attempts++;
          throw new Error('no background');
        },
      );
      await vi.runAllTimersAsync();
      expect(attempts).toBe(5);
    } finally {
      vi.useRealTimers();
    }
  });
});
