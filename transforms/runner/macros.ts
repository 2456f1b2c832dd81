/**
 * Macros: `transforms/macros/*.sql` hold `CREATE OR REPLACE MACRO` statements (DuckDB macros) that
 * models share, e.g. how a CloudTrail identity resolves to a principal. The runner creates them in
 * the database before any model runs (and in every fixed-rows test database).
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TransformError } from '../../lib/errors.js';
import type { Database } from '../../lib/lake/duckdb.js';

export const MACROS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'macros');

export interface MacroFile {
  readonly file: string;
  readonly sql: string;
}

export async function loadMacros(dir: string = MACROS_DIR): Promise<MacroFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return Promise.all(names.map(async (name) => ({ file: join(dir, name), sql: await readFile(join(dir, name), 'utf8') })));
}

export async function createMacros(db: Database, macros: readonly MacroFile[]): Promise<void> {
  for (const macro of macros) {
    try {
      await db.run(macro.sql);
    } catch (cause) {
      throw new TransformError(`macro file failed: ${(cause as Error).message}`, { cause, context: { file: macro.file } });
    }
  }
}
