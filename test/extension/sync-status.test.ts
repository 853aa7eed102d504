import { describe, expect, it } from 'vitest';
import { INITIAL_SYNC_STATE } from '../../extension/src/sync/sync-state.ts';
import { describeSyncStatus, type SyncStatus } from '../../extension/src/sync/sync-status.ts';

const now = Date.parse('2026-09-01T10:00:00');
function status(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return { paired: true, pending: 0, rejected: 0, firstRejection: null, state: INITIAL_SYNC_STATE, ...overrides };
}

describe('the popup sync status', () => {
  it('says synced, with when', () => {
    const view = describeSyncStatus(status({ state: { ...INITIAL_SYNC_STATE, lastSuccessAt: now - 60_000 } }), now);
    expect(view.tone).toBe('ok');
    expect(view.headline).toBe('Synced');
    expect(view.details.join(' ')).toMatch(/^Last synced \d/);
  });

  it('counts what waits', () => {
    expect(describeSyncStatus(status({ pending: 3 }), now)).toMatchObject({ tone: 'pending', headline: '3 pending' });
  });

  it('says since when the companion is unreachable, and what waits', () => {
    const since = now - 5 * 60_000;
    const view = describeSyncStatus(
      status({
        pending: 2,
        state: {
          ...INITIAL_SYNC_STATE,
          attempt: 3,
          failure: { kind: 'unreachable', message: 'cannot reach', since },
          nextAttemptAt: now + 60_000,
        },
      }),
      now,
    );
    expect(view.tone).toBe('error');
    expect(view.headline).toMatch(/^Companion unreachable since \d{2}.\d{2}/);
    expect(view.details).toContain('2 pending.');
  });

  it('tells a rejected token apart and says what to do', () => {
    const view = describeSyncStatus(
      status({ state: { ...INITIAL_SYNC_STATE, failure: { kind: 'unauthorized', message: 'x', since: now } } }),
      now,
    );
    expect(view.headline).toBe('Token rejected');
    expect(view.details[0]).toMatch(/paste the current one \(npx margin token\) in Options/);
  });

  it('asks to pair when no companion is set, and names records the companion refused', () => {
    expect(describeSyncStatus(status({ paired: false, pending: 4 }), now)).toMatchObject({
      headline: 'Not paired with a companion',
      details: ['4 pending kept in this browser only: pair in Options to sync.'],
    });
    const refused = describeSyncStatus(
      status({ rejected: 1, firstRejection: [{ path: 'tags.0', message: 'too long' }] }),
      now,
    );
    expect(refused.details[0]).toBe('1 annotation refused by the companion (tags.0: too long); edit to retry.');
  });
});
