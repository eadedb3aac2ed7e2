import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../errors.ts';

/**
 * PGlite does not lock its data directory: two processes opening it both start and corrupt
 * it. This lock file (`<dir>.lock`, the holder's pid) lets one process in; one left by a
 * process that is gone is taken over.
 */
export interface DirectoryLock {
  release(): void;
}

/** Thrown when another live process holds the directory: `details.pid` names it. */
export class DirectoryHeldError extends AppError {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      'STORE_UNAVAILABLE',
      `the operational store ${dir} is held by process ${pid} (a running service?) / kho dữ liệu vận hành ${dir} đang được tiến trình ${pid} sử dụng (dịch vụ đang chạy?)`,
      { details: { dir, pid } },
    );
    this.name = 'DirectoryHeldError';
  }
}

export function lockDirectory(dir: string): DirectoryLock {
  const file = `${dir}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST' || attempt > 2) throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new DirectoryHeldError(dir, pid);
      // The holder is gone (killed): its lock is stale.
      rmSync(file, { force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as { code?: string }).code === 'EPERM';
  }
}
