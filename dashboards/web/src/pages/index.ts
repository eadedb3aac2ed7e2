import type { Page } from '../contract.ts';
import { page as inbox } from './inbox.ts';

/** Every page of the application, in navigation order. Each helper adds its page here (one line each). */
export const pages: Page[] = [inbox];
