#!/usr/bin/env node
// chdb lists engine packages for macOS and Linux-arm64 as optional dependencies, but the npm
// registry here serves only the Linux x64 one, so `npm install` leaves the others out of
// package-lock.json and `npm ci` then refuses the lock as out of sync. This re-adds them as
// platform-restricted optional entries, which npm ci skips on this platform without fetching.
// Run it after any `npm install` that rewrites the lock: `node scripts/lock-chdb-platforms.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const lockUrl = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockUrl, 'utf8'));
const chdb = lock.packages['node_modules/chdb'];
const platforms = {
  '@chdb/lib-darwin-arm64': { cpu: ['arm64'], os: ['darwin'] },
  '@chdb/lib-darwin-x64': { cpu: ['x64'], os: ['darwin'] },
  '@chdb/lib-linux-arm64-gnu': { cpu: ['arm64'], os: ['linux'], libc: ['glibc'] },
  '@chdb/lib-linux-x64-gnu': { cpu: ['x64'], os: ['linux'], libc: ['glibc'] },
};
let added = 0;
for (const [name, version] of Object.entries(chdb?.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  lock.packages[key] = { version, ...(platforms[name] ?? {}), license: 'Apache-2.0', optional: true };
  added++;
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en'))),
);
// npm orders the lock's keys with localeCompare('en'); sorting by code unit instead made the
// next `npm install` reorder entries such as string_decoder / string-width.
lock.packages = sorted;
writeFileSync(lockUrl, JSON.stringify(lock, null, 2) + '\n');
console.log(
  added ? `added ${added} chdb platform entries to package-lock.json` : 'package-lock.json already lists every chdb platform package',
);
