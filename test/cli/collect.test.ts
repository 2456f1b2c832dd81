/**
 * `meshwatch collect` as a user runs it (a child process): its exit code says what happened, and its
 * closing summary names every problem it counts. AWS is the local fake service (test/fake-aws)
 * with injected failures; CloudTrail a local trail.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../fake-aws/fixtures.js';
import { GOVERNANCE, MANAGEMENT, NOW, PRODUCER, useMiniOrgOnFakeAws } from '../ingest/aws/mini-org.js';
import { logKey, record, writeObject } from '../ingest/cloudtrail/helpers.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'cli/bin/meshwatch.js');
const ENV = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'AKIAFAKEDUMMYKEY0000',
  AWS_SECRET_ACCESS_KEY: 'dummy',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

async function meshwatch(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: ROOT, env: ENV });
    return { code: 0, stderr };
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
}

/** A config file (JSON is YAML) for a lake of its own; returns its path. */
async function writeConfig(sources: Record<string, unknown>, endpoint?: string): Promise<{ config: string; lake: string }> {
  const dir = await makeTempDir('cli-collect');
  const lake = join(dir, 'lake');
  const config = {
    lake,
    now: NOW,
    regions: ['us-east-1'],
    organization: {
      id: 'o-abc123def4',
      accounts: [
        { id: MANAGEMENT, name: 'management', domain: 'platform', kind: 'management' },
        { id: GOVERNANCE, name: 'governance', domain: 'governance', kind: 'governance' },
        { id: PRODUCER, name: 'sales-prod', domain: 'sales', kind: 'producer' },
      ],
    },
    ...(endpoint ? { aws: { mode: 'live', endpoint, max_attempts: 2 } } : {}),
    sources,
  };
  const path = join(dir, 'meshwatch.config.yaml');
  await writeFile(path, JSON.stringify(config, null, 1));
  return { config: path, lake };
}

describe('meshwatch collect exit codes', () => {
  const env = useMiniOrgOnFakeAws();
  beforeEach(() => env.fake.reset());

  it('exits 1 when every account × region of a source failed', async () => {
    // Prepare: the governance and the producer account both deny ListPermissions
    const { config } = await writeConfig({ lakeformation: {} }, env.fake.endpoint);
    env.fake.inject({ kind: 'access-denied', operation: 'ListPermissions', count: Number.POSITIVE_INFINITY });

    // Act
    const { code, stderr } = await meshwatch(['--config', config, 'collect', '--source', 'lakeformation']);

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('account-regions failed: collect lakeformation: 2 of 2 (all)');
    expect(stderr).toContain('2 problem(s) did not stop the run:');
    expect(stderr).toMatch(
      /collect lakeformation: 2 account-region\(s\) of 2 not collected \(rows in collection_errors\): \d{12} us-east-1 \(ListPermissions: AccessDeniedException\)/,
    );
  });

  const denyProducer = () =>
    env.fake.inject({ kind: 'access-denied', account: PRODUCER, operation: 'ListPermissions', count: Number.POSITIVE_INFINITY });

  it('exits 0 with a warning and the counts when only some failed', async () => {
    // Prepare: only the producer denies
    const { config } = await writeConfig({ lakeformation: {} }, env.fake.endpoint);
    denyProducer();

    // Act
    const { code, stderr } = await meshwatch(['--config', config, 'collect', '--source', 'lakeformation']);

    // Assess
    expect(code).toBe(0);
    expect(stderr).toContain(
      'warning: collect lakeformation: 1 of 2 account-region(s) failed, the others were collected (exit 0; --strict makes this exit 1)',
    );
    expect(stderr).toContain(
      `collect lakeformation: 1 account-region(s) of 2 not collected (rows in collection_errors): ${PRODUCER} us-east-1`,
    );
  });

  it('exits 1 with --strict when only some failed', async () => {
    // Prepare
    const { config } = await writeConfig({ lakeformation: {} }, env.fake.endpoint);
    denyProducer();

    // Act
    const { code, stderr } = await meshwatch(['--config', config, 'collect', '--source', 'lakeformation', '--strict']);

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('account-regions failed: collect lakeformation: 1 of 2');
  });
});

describe('the collect summary', () => {
  it('names each problem it counts with the quarantine folder and the counts by reason', async () => {
    // Prepare: a local trail with two broken objects, a record without eventTime and a conflicting duplicate
    const dir = await makeTempDir('cli-trail');
    const trail = join(dir, 'trail');
    const account = '311111111111';
    const good = gzipSync(JSON.stringify({ Records: [record({ eventID: 'x-1' })] }));
    await writeObject(trail, logKey(account, 'us-east-1', '20261001T1005Z', 'FIRSTFIRSTFIRST1'), {
      Records: [record({ eventID: 'c-1', errorCode: 'AccessDenied' }), record({ eventID: 'no-time', eventTime: undefined })],
    });
    await writeObject(trail, logKey(account, 'us-east-1', '20261001T1405Z', 'LATERLATERLATER1'), {
      Records: [record({ eventID: 'c-1' })],
    });
    await writeObject(trail, logKey(account, 'us-east-1', '20261001T1010Z', 'TRUNCATEDTRUNCA1'), good.subarray(0, 20));
    await writeObject(trail, logKey(account, 'us-east-1', '20261001T1015Z', 'NOTJSONNOTJSON01'), gzipSync('<Error/>'));
    const { config, lake } = await writeConfig({ cloudtrail: { path: trail, verify_digests: false, workers: 1 } });

    // Act
    const { code, stderr } = await meshwatch(['--config', config, 'collect', '--source', 'cloudtrail']);

    // Assess
    expect(code).toBe(0);
    const quarantine = join(lake, '_quarantine', 'cloudtrail');
    const problems = stderr.slice(stderr.indexOf('problem(s) did not stop the run:'));
    expect(problems).toContain(`cloudtrail: 2 object(s) quarantined whole in ${quarantine} (not_json 1, truncated_gzip 1)`);
    expect(problems).toContain(`cloudtrail: 1 record(s) quarantined in ${quarantine} (record_missing_fields 1)`);
    expect(problems).toContain(
      `cloudtrail: 1 event(s) delivered twice with different content: the dropped copies are in ${quarantine} (reason conflicting_duplicate)`,
    );
    expect(stderr).toContain('warning: 4 problem(s) did not stop the run:');
    expect(stderr).toContain(
      `quarantine: conflicting_duplicate 1, not_json 1, record_missing_fields 1, truncated_gzip 1 this run, in ${quarantine}`,
    );
    expect(stderr).not.toContain('see the messages above');
  });
});
