import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRunbooks, runbookPage } from '../../dashboards/runbooks.js';

describe('runbookPage', () => {
  it('turns links to other origins into plain text and keeps the runbook', () => {
    const page = runbookPage(
      'pii_new_reader',
      '# Title\nSee [the guide](https://docs.aws.amazon.com/lf.html) or <https://example.com/x>.\n',
    );

    expect(page).not.toMatch(/https?:\/\//);
    expect(page).toContain('the guide (`docs.aws.amazon.com/lf.html`)');
    expect(page).toContain("title: 'Runbook: pii_new_reader'");
    expect(page).toContain('# Title');
  });
});

describe('copyRunbooks', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'meshwatch-runbooks-'));
    for (const rule of ['rule_a', 'rule_b', 'no_runbook']) await mkdir(join(root, 'rules', rule), { recursive: true });
    await writeFile(join(root, 'rules', 'rule_a', 'runbook.md'), '# A\n');
    await writeFile(join(root, 'rules', 'rule_b', 'runbook.md'), '# B\n');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes a page per rule that has a runbook', async () => {
    const copied = await copyRunbooks(join(root, 'src'), join(root, 'rules'));

    expect(copied).toEqual(['rule_a', 'rule_b']);
    expect((await readdir(join(root, 'src', 'runbooks'))).sort()).toEqual(['rule_a.md', 'rule_b.md']);
    expect(await readFile(join(root, 'src', 'runbooks', 'rule_b.md'), 'utf8')).toContain('# B');
  });

  it('copies nothing when the rules folder is absent', async () => {
    await expect(copyRunbooks(join(root, 'src2'), join(root, 'absent'))).resolves.toEqual([]);
  });
});
