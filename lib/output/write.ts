import { writeFileAtomic } from '../lake/atomic.js';

/** Writes command output to stdout, or atomically to a file with --out. */
export async function writeOutput(text: string, out?: string): Promise<void> {
  if (out) await writeFileAtomic(out, text);
  else process.stdout.write(text);
}
