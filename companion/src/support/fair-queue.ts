/**
 * Turns for work that holds a scarce resource (the store's writer), shared fairly between keys (users):
 * at most `concurrency` turns run at once, at most `perKey` of them for one key, and waiting keys are
 * served round robin, so a key with many waiting turns gets one turn per round like every other.
 * A key may hold `perKey + maxWaiting` turns at most (running and waiting); `enter` refuses the next.
 */
export interface FairQueueOptions {
  /** Turns running at once, all keys together. */
  concurrency: number;
  /** Turns one key may run at once. */
  perKey: number;
  /** Turns one key may have waiting besides those running; more are refused. */
  maxWaiting: number;
}

interface KeyState {
  running: number;
  waiting: Array<() => void>;
}

/** A held turn: `release` it once the work is done (calling it twice is harmless). */
export interface Turn {
  /** Resolves when the turn may start. */
  ready: Promise<void>;
  release(): void;
}

export class FairQueue {
  readonly #options: FairQueueOptions;
  readonly #keys = new Map<string, KeyState>();
  /** Keys with a waiting turn, in the order they are served (a served key goes to the back). */
  readonly #rotation: string[] = [];
  #running = 0;
  #dispatchSoon: NodeJS.Immediate | undefined;

  constructor(options: FairQueueOptions) {
    if (options.concurrency < 1 || options.perKey < 1 || options.maxWaiting < 0) {
      throw new RangeError('FairQueue: concurrency and perKey must be at least 1, maxWaiting at least 0');
    }
    this.#options = options;
  }

  /** A turn for `key`, or undefined when that key already holds all it may (running and waiting). */
  enter(key: string): Turn | undefined {
    const state = this.#keys.get(key) ?? { running: 0, waiting: [] };
    if (state.running + state.waiting.length >= this.#options.perKey + this.#options.maxWaiting) return undefined;
    this.#keys.set(key, state);
    let started = false;
    let released = false;
    let resolveReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      resolveReady = resolve;
    });
    const start = () => {
      started = true;
      resolveReady();
    };
    state.waiting.push(start);
    if (state.waiting.length === 1) this.#rotation.push(key);
    this.#dispatchLater();
    return {
      ready,
      release: () => {
        if (released) return;
        released = true;
        if (started) {
          state.running -= 1;
          this.#running -= 1;
        } else {
          // Given up before its turn came (the client went away): leave the line.
          state.waiting.splice(state.waiting.indexOf(start), 1);
          if (state.waiting.length === 0) this.#leaveRotation(key);
        }
        if (state.running === 0 && state.waiting.length === 0) this.#keys.delete(key);
        this.#dispatchLater();
      },
    };
  }

  /** Turns running and waiting, for figures and tests. */
  get size(): { running: number; waiting: number; keys: number } {
    let waiting = 0;
    for (const state of this.#keys.values()) waiting += state.waiting.length;
    return { running: this.#running, waiting, keys: this.#keys.size };
  }

  #leaveRotation(key: string): void {
    const index = this.#rotation.indexOf(key);
    if (index >= 0) this.#rotation.splice(index, 1);
  }

  /**
   * Turns are handed out after the event loop has read what arrived meanwhile (in its check phase),
   * never at once: work that finishes within one tick (a SQLite transaction is synchronous, and a
   * request read in one piece runs start to end in one go) would otherwise run in the order sockets
   * were read, so one client's many connections would go before anyone else's single request.
   */
  #dispatchLater(): void {
    this.#dispatchSoon ??= setImmediate(() => {
      this.#dispatchSoon = undefined;
      this.#dispatch();
    });
  }

  /** Starts waiting turns while there is room, one key at a time in rotation order. */
  #dispatch(): void {
    let skipped = 0;
    while (this.#running < this.#options.concurrency && skipped < this.#rotation.length) {
      const key = this.#rotation.shift() as string;
      const state = this.#keys.get(key) as KeyState;
      if (state.running >= this.#options.perKey) {
        // This key is at its own limit: the others go first; it goes to the back of the round.
        this.#rotation.push(key);
        skipped += 1;
        continue;
      }
      skipped = 0;
      const start = state.waiting.shift() as () => void;
      state.running += 1;
      this.#running += 1;
      if (state.waiting.length > 0) this.#rotation.push(key);
      start();
    }
  }
}
