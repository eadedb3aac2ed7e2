// Imported first by main.ts, before any schema: zod compiles object parsers with `new Function`
// unless told not to, and even its probe for that is reported as a violation of the page's
// content-security policy (script-src 'self', no 'unsafe-eval'). The pages parse little.
import { config } from 'zod';

config({ jitless: true });
