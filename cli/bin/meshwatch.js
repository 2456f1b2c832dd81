#!/usr/bin/env node
// Entry point of the `meshwatch` command. The source is TypeScript run through tsx's loader, so the
// repository needs no build step; the loader is registered before the CLI module is imported.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main.ts');
process.exitCode = await main(process.argv);
