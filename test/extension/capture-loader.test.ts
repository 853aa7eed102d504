import { afterEach, describe, expect, it, vi } from 'vitest';
import { CAPTURE_BRIDGE, type CaptureBridge, type CaptureReader } from '../../extension/src/capture/capture-bridge.ts';
import { captureResponse, readTurn } from '../../extension/src/capture/capture-response.ts';
import { siteAdapters } from '../../extension/src/sites/index.ts';
import { loadSiteFixtures, parseFixture } from './site-fixtures.ts';

// The content script reads responses through the capture script the background injects (issue 17:
// the reader is not in the script every chat page loads). Each test takes a fresh copy of the loader.
async function freshLoader() {
  vi.resetModules();
  return import('../../extension/src/capture/capture-loader.ts');
}

/** What the injected script does: hand the reader over through the bridge the loader set. */
function injectReader(reader: CaptureReader = { captureResponse, readTurn }) {
  return async () => {
    (globalThis as unknown as Record<string, CaptureBridge>)[CAPTURE_BRIDGE]?.provide(reader);
  };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  delete (globalThis as Record<string, unknown>)[CAPTURE_BRIDGE];
  vi.restoreAllMocks();
});

describe('the capture loader (capture/capture-loader.ts)', () => {
  it('refuses to read before the capture script is in, with an error saying so, never an empty text', async () => {
    const loader = await freshLoader();
    const adapter = siteAdapters.find((candidate) => candidate.id === 'chatgpt');
    if (!adapter) throw new Error('no chatgpt adapter');
    const fixture = loadSiteFixtures('chatgpt')[0];
    if (!fixture) throw new Error('no chatgpt fixture');
    const { document, close } = parseFixture(fixture);
    closers.push(close);
    const turn = adapter.turns(document).find((candidate) => candidate.role === 'assistant');
    if (!turn) throw new Error('no assistant turn');
    expect(() => loader.readTurn(adapter, turn)).toThrow('its capture script is not loaded');
    expect(() => loader.captureResponse(adapter, document, fixture.expected.url, turn.element)).toThrow(
      'its capture script is not loaded',
    );

    await loader.loadCaptureReader(injectReader());
    // Through the loader, exactly what the capture module reads.
    expect(loader.readTurn(adapter, turn)).toEqual(readTurn(adapter, turn));
    expect(loader.captureResponse(adapter, document, fixture.expected.url, turn.element)).toEqual(
      captureResponse(adapter, document, fixture.expected.url, turn.element),
    );
  });

  it('injects once, however many ask at the same time', async () => {
    const loader = await freshLoader();
    let injections = 0;
    const inject = async () => {
      injections += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      await injectReader()();
    };
    const [a, b] = await Promise.all([loader.loadCaptureReader(inject), loader.loadCaptureReader(inject)]);
    expect(a).toBe(b);
    await loader.loadCaptureReader(inject);
    expect(injections).toBe(1);
  });

  it('fails clearly when the script gave nothing or the injection failed, and tries again on the next call', async () => {
    const loader = await freshLoader();
    await expect(loader.loadCaptureReader(async () => undefined)).rejects.toThrow('the capture script gave no reader');
    await expect(
      loader.loadCaptureReader(async () => {
        throw new Error('No tab with id: 4');
      }),
    ).rejects.toThrow('No tab with id: 4');
    const reader = await loader.loadCaptureReader(injectReader());
    expect(reader.readTurn).toBe(readTurn);
  });

  it('is loaded patiently: a few attempts, later each time, then a clear error and no annotator', async () => {
    const loader = await freshLoader();
    const waits: number[] = [];
    const wait = async (ms: number) => void waits.push(ms);
    let calls = 0;
    const flaky = async () => {
      calls += 1;
      if (calls < 3) throw new Error('the background is restarting');
      return { captureResponse, readTurn };
    };
    expect(await loader.loadCaptureReaderPatiently({ isValid: true }, flaky, wait)).toBe(true);
    expect(waits).toEqual([1_000, 2_000]);

    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    waits.length = 0;
    const broken = async (): Promise<CaptureReader> => {
      throw new Error('Could not load file: capture-reader.js');
    };
    expect(await loader.loadCaptureReaderPatiently({ isValid: true }, broken, wait)).toBe(false);
    expect(waits).toEqual([1_000, 2_000, 3_000, 4_000]);
    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining('Margin could not load its capture script, so it shows no controls on this page'),
    );
    expect(String(errors.mock.calls[0]?.[0])).toContain('Could not load file: capture-reader.js');

    // An invalidated content script (the extension updated) stops trying at once.
    expect(await loader.loadCaptureReaderPatiently({ isValid: false }, flaky, wait)).toBe(false);
  });
});
