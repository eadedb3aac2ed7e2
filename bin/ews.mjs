#!/usr/bin/env node
// Entry of the `ews` command: runs the TypeScript sources directly through tsx's loader, so
// `npx ews …` and `npm start` work right after `npm install`, with no build step.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// A larger young generation: the pipeline allocates many short-lived objects per event, and
// 32 MiB semi-spaces cut scavenges enough to add ~5 % ingest throughput (BENCHMARKS.md).
// Set before the heap grows; NODE_OPTIONS can still override it.
if (![...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('semi-space')))
  setFlagsFromString('--max-semi-space-size=32');
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
