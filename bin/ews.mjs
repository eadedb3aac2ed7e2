#!/usr/bin/env node
// Entry of the `ews` command: runs the TypeScript sources directly through tsx's loader, so
// `npx ews …` and `npm start` work right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
