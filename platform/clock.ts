/** Time is passed in, never read from `Date.now()` inside pure cores. */
export interface Clock {
  /** Current instant in epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that runs `speed` times faster than real time from `start` (epoch ms), used by the
 * demo's accelerated live traffic. `set` jumps it (e.g. after history has loaded).
 */
export function createAcceleratedClock(start: number, speed: number, real: Clock = systemClock) {
  let originSim = start;
  let originReal = real.now();
  return {
    now: () => originSim + (real.now() - originReal) * speed,
    set(simMs: number) {
      originSim = simMs;
      originReal = real.now();
    },
  };
}
