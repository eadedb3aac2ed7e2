import type { Page } from '../contract.ts';
import { page as bulletin } from './bulletin.ts';

/** Every page of the application, in navigation order. Each helper adds its page here. */
export const pages: Page[] = [bulletin];
