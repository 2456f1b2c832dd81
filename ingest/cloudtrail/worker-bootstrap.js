// Worker threads start from plain JavaScript: register tsx (resolved from this file, so it works
// whatever the working folder is, from the CLI and under vitest alike), then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
