/** Time is passed in, never read from `Date.now()` inside pure cores. */
export interface Clock {
  /** Current instant in epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that runs `speed` times faster than real time from `start` (epoch ms), used by the
 * demo's accelerated live traffic; speed 0 stands still. `set` jumps it and may change speed.
 */
export function createAcceleratedClock(start: number, speed: number, real: Clock = systemClock) {
  let originSim = start;
  let originReal = real.now();
  let rate = speed;
  return {
    now: () => originSim + (real.now() - originReal) * rate,
    set(simMs: number, newSpeed = rate) {
      originSim = simMs;
      originReal = real.now();
      rate = newSpeed;
    },
  };
}
