import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lakeLayout } from '../../../lib/lake/layout.js';
import {
  assertSegment,
  isSegment,
  listFilesInside,
  relativePathProblem,
  resolveUnder,
  safeFileName,
  UnsafePathError,
  unsafePathReason,
} from '../../../lib/lake/safe-path.js';

async function tempRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mw-safe-path-'));
  await mkdir(join(dir, 'root'));
  return join(dir, 'root');
}

describe('resolveUnder', () => {
  it('joins relative segments under the root', async () => {
    const root = await tempRoot();
    expect(resolveUnder(root, 'AWSLogs/o-x/111122223333', 'a.json.gz')).toBe(
      join(root, 'AWSLogs', 'o-x', '111122223333', 'a.json.gz'),
    );
    expect(resolveUnder(root)).toBe(root);
  });

  it.each([
    ['a/../../etc/passwd', 'parent-segment'],
    ['..', 'parent-segment'],
    ['/etc/passwd', 'absolute'],
    ['a//b', 'empty-segment'],
    ['a/./b', 'dot-segment'],
    ['a\u0000b', 'control-character'],
    ['a\\..\\b', 'backslash'],
    [`${'x'.repeat(256)}`, 'too-long'],
  ])('refuses %j (%s) with a typed error naming the reason', async (segment, reason) => {
    const root = await tempRoot();
    let thrown: unknown;
    try {
      resolveUnder(root, segment);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnsafePathError);
    expect((thrown as UnsafePathError).reason).toBe(reason);
    expect((thrown as UnsafePathError).context.file).toBe(root);
    expect((thrown as UnsafePathError).message).not.toContain('\u0000');
  });

  it('refuses the attack key of issue 24 (twenty ".." segments after a day folder)', async () => {
    const root = await tempRoot();
    const key = `AWSLogs/o-x/111122223333/CloudTrail/us-east-1/2026/10/02/${'../'.repeat(20)}some/other/dir/x.json.gz`;
    expect(unsafePathReason(root, 'objects', key)).toBe('parent-segment');
  });

  it('refuses a path through a symlink that leaves the root, and allows one that stays inside', async () => {
    const root = await tempRoot();
    const outside = await mkdtemp(join(tmpdir(), 'mw-outside-'));
    await writeFile(join(outside, 'secret'), 'x');
    await mkdir(join(root, 'inside'));
    await symlink(outside, join(root, 'out'));
    await symlink(join(root, 'inside'), join(root, 'in'));
    expect(unsafePathReason(root, 'out/secret')).toBe('symlink-outside-root');
    expect(unsafePathReason(root, 'out/not-yet-there/new-file')).toBe('symlink-outside-root');
    expect(resolveUnder(root, 'in/new-file')).toBe(join(root, 'in', 'new-file'));
  });

  it('accepts a root that is itself reached through a symlink', async () => {
    const root = await tempRoot();
    const alias = join(root, '..', 'alias');
    await symlink(root, alias);
    expect(resolveUnder(alias, 'a/b')).toBe(join(alias, 'a', 'b'));
  });
});

describe('relativePathProblem', () => {
  it('accepts an ordinary CloudTrail key and refuses a key ending in "/"', () => {
    expect(relativePathProblem('AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/02/x.json.gz')).toBeNull();
    expect(relativePathProblem('AWSLogs/111122223333/')).toBe('empty-segment');
  });
});

describe('segments from data', () => {
  it('validates account ids, regions, table names, rule ids and domains', () => {
    expect(assertSegment('account id', '111122223333')).toBe('111122223333');
    expect(() => assertSegment('account id', '../11112222')).toThrow(UnsafePathError);
    expect(isSegment('region', 'us-gov-west-1')).toBe(true);
    expect(isSegment('region', 'us-east-1/..')).toBe(false);
    expect(isSegment('table name', 'sales_orders')).toBe(true);
    expect(isSegment('table name', 'orders;drop')).toBe(false);
    expect(isSegment('rule id', 'pii_new_reader')).toBe(true);
    expect(isSegment('rule id', '../x')).toBe(false);
    expect(isSegment('domain', 'supply-chain')).toBe(true);
    expect(isSegment('domain', '..')).toBe(false);
  });
});

describe('safeFileName', () => {
  it('keeps a readable tail, never a separator or a leading dot, and tells apart texts that sanitise alike', () => {
    const name = safeFileName(`AWSLogs/x/${'../'.repeat(20)}etc/passwd`);
    expect(name).not.toMatch(/[/\\]/);
    expect(name.startsWith('.')).toBe(false);
    expect(safeFileName('a/b')).not.toBe(safeFileName('a_b'));
    expect(safeFileName('..', '.bin')).toMatch(/^[0-9a-f]{12}\.bin$/);
  });
});

describe('lakeLayout paths from data', () => {
  it('keeps state and quarantine paths inside their folders', async () => {
    const layout = lakeLayout(await tempRoot());
    expect(layout.statePath('athena', '311111111111-us-east-1.json')).toBe(
      join(layout.stateDir, 'athena', '311111111111-us-east-1.json'),
    );
    expect(() => layout.statePath('athena', '../../../etc/cron.d/x')).toThrow(UnsafePathError);
    expect(() => layout.quarantinePath('contracts', '../../escape.json')).toThrow(UnsafePathError);
    expect(() => layout.quarantinePath('/abs')).toThrow(UnsafePathError);
  });
});

describe('listFilesInside', () => {
  it('follows symlinks inside the folder and refuses the ones that lead out or nowhere', async () => {
    const root = await tempRoot();
    const outside = await mkdtemp(join(tmpdir(), 'mw-outside-'));
    await mkdir(join(root, 'a'));
    await writeFile(join(root, 'a', 'x.yaml'), 'x');
    await writeFile(join(outside, 'y.yaml'), 'y');
    await symlink(join(root, 'a'), join(root, 'b'));
    await symlink(join(outside, 'y.yaml'), join(root, 'y.yaml'));
    await symlink(join(root, 'missing'), join(root, 'dangling.yaml'));
    await symlink(root, join(root, 'a', 'loop'));

    const listing = await listFilesInside(root);

    expect(listing.files).toEqual([join(root, 'a', 'x.yaml'), join(root, 'b', 'x.yaml')]);
    expect(listing.refused.map((entry) => [entry.path, entry.reason.split(',')[0]]).sort()).toEqual([
      [join(root, 'dangling.yaml'), 'a symlink that leads nowhere'],
      [join(root, 'y.yaml'), `a symlink to ${join(outside, 'y.yaml')}`],
    ]);
  });
});
