/**
 * A circuit breaker per store.
 *
 * - closed: statements go through; `failureThreshold` consecutive unavailable-store failures
 *   open it (a statement that fails for its own reasons, such as a unique violation, proves
 *   the store answers and counts as a success).
 * - open: statements fail at once, without waiting for a connection or a timeout, so a store
 *   that went away cannot pile up requests. Every `resetMs` a probe (one trivial statement)
 *   runs in the background; while it runs the state is half-open.
 * - the first probe that succeeds closes it: the breaker recovers by itself, with or without
 *   traffic, and /readyz reports the state.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  readonly failureThreshold: number;
  readonly resetMs: number;
  /** One round trip that succeeds when the store is back. */
  readonly probe: () => Promise<void>;
  readonly onChange?: (state: BreakerState) => void;
}

export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly options: BreakerOptions) {}

  get state(): BreakerState {
    return this.#state;
  }

  /** Whether a statement may be sent now. */
  admits(): boolean {
    return this.#state === 'closed';
  }

  success(): void {
    this.#failures = 0;
  }

  failure(): void {
    if (this.#state !== 'closed') return;
    this.#failures += 1;
    if (this.#failures >= this.options.failureThreshold) this.#open();
  }

  /** Stops probing (the store is being disconnected). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #open(): void {
    this.#set('open');
    this.#scheduleProbe();
  }

  #scheduleProbe(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#probe(), this.options.resetMs);
    this.#timer.unref();
  }

  async #probe(): Promise<void> {
    this.#set('half-open');
    try {
      await this.options.probe();
      this.#failures = 0;
      this.#set('closed');
    } catch {
      this.#set('open');
      this.#scheduleProbe();
    }
  }

  #set(state: BreakerState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.options.onChange?.(state);
  }
}
