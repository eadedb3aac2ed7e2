import type { Page } from '../contract.ts';
import { page as overview } from './overview.ts';

/** Every page of the application, in navigation order. Each helper adds its page here. */
export const pages: Page[] = [overview];
