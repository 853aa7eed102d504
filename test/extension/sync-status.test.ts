import { describe, expect, it } from 'vitest';
import { INITIAL_SYNC_STATE } from '../../extension/src/sync/sync-state.ts';
import { describeSyncStatus, type SyncStatus } from '../../extension/src/sync/sync-status.ts';

const now = Date.parse('2026-09-01T10:00:00');
function status(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    paired: true,
    pending: 0,
    rejected: 0,
    firstRejection: null,
    refusedAnnotator: { count: 0, names: [] },
    signedIn: null,
    state: INITIAL_SYNC_STATE,
    ...overrides,
  };
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

  it('on a team server, says plainly which records name someone else than the signed-in user', () => {
    const signedIn = {
      url: 'https://margin.example.org',
      user: { name: 'alice', role: 'annotator' as const, kind: 'human' as const },
      team: true,
      version: '1.0.0',
    };
    const annotatorIssue = [{ path: 'annotator', message: 'you are signed in as "alice", but this names "me"' }];
    const view = describeSyncStatus(
      status({
        rejected: 3,
        firstRejection: [{ path: 'tags.0', message: 'too long' }],
        refusedAnnotator: { count: 2, names: ['me'] },
        signedIn,
      }),
      now,
    );
    expect(view.details).toEqual([
      '2 records refused by the team server: they name “me”, but you are signed in as “alice”.',
      '1 annotation refused by the companion (tags.0: too long); edit to retry.',
    ]);
    // Not signed in to a team server (a personal companion never refuses a name): the plain count.
    const personal = describeSyncStatus(
      status({ rejected: 1, firstRejection: annotatorIssue, refusedAnnotator: { count: 1, names: ['me'] } }),
      now,
    );
    expect(personal.details[0]).toMatch(/^1 annotation refused by the companion \(annotator: /);
  });
});
