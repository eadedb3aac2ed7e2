/**
 * A mistake in how the command was called (an option value out of range, a missing
 * argument, a setting a role needs): `ews` prints its message as one line and exits 2,
 * without a stack trace.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit code of a usage or configuration mistake (as shells and `getopt` use it). */
export const EXIT_USAGE = 2;
