/**
 * Bad input, kept with the reason: `<lake>/_quarantine/cloudtrail/<run>-<batch>.jsonl` holds one
 * line per rejected object or record (key, reason, detail, the record itself), and the bytes of a
 * rejected object are kept as `objects/<sanitised key>-<hash>` (safeFileName): the key is chosen by
 * whoever put the object in the bucket, so it is never joined onto a path (issue 24). Files are
 * staged with the batch and published by the same journal, so a re-run after a crash never writes
 * an entry twice.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { dirMode, fileMode } from '../../lib/lake/file-modes.js';
import { resolveUnder, safeFileName } from '../../lib/lake/safe-path.js';

export interface QuarantineEntry {
  readonly key: string;
  readonly reason: string;
  readonly detail: string;
  /** Position of the record in the object's Records array (record-level problems). */
  readonly record_index?: number;
  /** The record as JSON text (record-level problems). */
  readonly record?: string;
  /** Where the object's bytes were kept (object-level problems), relative to the quarantine folder. */
  readonly bytes_file?: string;
}

export class BatchQuarantine {
  readonly entries: QuarantineEntry[] = [];
  private readonly objectBytes = new Map<string, Uint8Array>();

  /** `index`: null when the record's place in its object is not known (a copy read back from the dataset). */
  addRecord(key: string, index: number | null, reason: string, detail: string, record: string): void {
    this.entries.push({ key, reason, detail, ...(index === null ? {} : { record_index: index }), record });
  }

  addObject(key: string, reason: string, detail: string, bytes: Uint8Array | null): void {
    const bytesFile = bytes ? `objects/${safeFileName(key)}` : undefined;
    this.entries.push({ key, reason, detail, ...(bytesFile ? { bytes_file: bytesFile } : {}) });
    if (bytes && bytesFile) this.objectBytes.set(bytesFile, bytes);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Writes the batch's files under `stageDir`; returns the moves into `quarantineDir`. */
  async stage(stageDir: string, quarantineDir: string, name: string): Promise<{ from: string; to: string }[]> {
    if (this.entries.length === 0) return [];
    const at = new Date().toISOString();
    const moves: { from: string; to: string }[] = [];
    const listing = join(stageDir, `${name}.jsonl`);
    // Raw records and an attacker's bytes: owner-only (file-modes.ts), whatever the umask.
    await mkdir(stageDir, { recursive: true, mode: dirMode() });
    await writeFile(listing, `${this.entries.map((entry) => JSON.stringify({ ...entry, quarantined_at: at })).join('\n')}\n`, {
      mode: fileMode(),
    });
    moves.push({ from: listing, to: join(quarantineDir, `${name}.jsonl`) });
    for (const [file, bytes] of this.objectBytes) {
      const staged = resolveUnder(stageDir, file);
      await mkdir(dirname(staged), { recursive: true, mode: dirMode() });
      await writeFile(staged, bytes, { mode: fileMode() });
      moves.push({ from: staged, to: resolveUnder(quarantineDir, file) });
    }
    return moves;
  }
}
