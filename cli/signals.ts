/** A request to stop: the first SIGINT or SIGTERM, or the command's own reason. */
export interface Shutdown {
  /** Aborted when a stop is requested; loops check it, waits race it. */
  readonly signal: AbortSignal;
  /** Resolves with the reason (the signal's name, or the command's) when a stop is requested. */
  readonly requested: Promise<string>;
  /** Requests a stop for a reason of the command's own (e.g. the first alert). */
  request(reason: string): void;
  /** Removes the signal handlers. */
  dispose(): void;
}

/**
 * Installs SIGINT/SIGTERM handlers at once, so a signal during start-up or history loading
 * also drains instead of killing the process mid-write. The first signal requests a stop (the
 * command drains and exits 0); a second one exits at once with 130, for a drain that hangs.
 */
export function onShutdown(): Shutdown {
  const controller = new AbortController();
  let resolve: (reason: string) => void = () => undefined;
  const requested = new Promise<string>((r) => (resolve = r));
  const request = (reason: string) => {
    if (controller.signal.aborted) return;
    controller.abort(reason);
    resolve(reason);
  };
  const on = (s: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`ews: ${s} again, exiting without draining / thoát ngay\n`);
      process.exit(130);
    }
    process.stderr.write(`ews: ${s}, stopping / đang dừng …\n`);
    request(s);
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    signal: controller.signal,
    requested,
    request,
    dispose() {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}
