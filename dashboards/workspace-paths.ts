import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's `dashboards/` folder (this file's folder). */
export const DASHBOARDS_DIR = dirname(fileURLToPath(import.meta.url));
export const REPOSITORY_DIR = dirname(DASHBOARDS_DIR);
