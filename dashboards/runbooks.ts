/**
 * Puts each alert rule's runbook (reports/alerts/rules/<rule>/runbook.md) into the site as the
 * page /runbooks/<rule>, so the on-call page links to it without leaving the site. Links to
 * other origins are turned into plain text: the site must request nothing from elsewhere.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPOSITORY_DIR } from './workspace-paths.js';

export const RULES_DIR = join(REPOSITORY_DIR, 'reports', 'alerts', 'rules');
const RULE_ID = /^[a-z0-9_]+$/;

export async function copyRunbooks(srcDir: string, rulesDir: string = RULES_DIR): Promise<string[]> {
  const rules = (await readdir(rulesDir).catch(() => [] as string[])).filter((name) => RULE_ID.test(name)).sort();
  const copied: string[] = [];
  for (const rule of rules) {
    const text = await readFile(join(rulesDir, rule, 'runbook.md'), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    await mkdir(join(srcDir, 'runbooks'), { recursive: true });
    await writeFile(join(srcDir, 'runbooks', `${rule}.md`), runbookPage(rule, text));
    copied.push(rule);
  }
  return copied;
}

export function runbookPage(rule: string, markdown: string): string {
  const local = markdown
    .replace(/\[([^\]]*)\]\((https?:\/\/[^)\s]+)\)/g, '$1 ($2)')
    .replace(/<?https?:\/\/([^\s)>]+)>?/g, '`$1`');
  return `---\ntitle: 'Runbook: ${rule}'\ntoc: false\n---\n\n${local}\n\n[← on-call alerts](../oncall)\n`;
}
