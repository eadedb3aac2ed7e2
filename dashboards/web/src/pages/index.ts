import type { Page } from '../contract.ts';
import { page as quality } from './quality.ts';
import { page as syndromes } from './syndromes.ts';

/** Every page of the application, in navigation order. Each helper adds its page here. */
export const pages: Page[] = [syndromes, quality];
