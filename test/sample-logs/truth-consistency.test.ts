import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Json } from './sample-files.js';
import { listFiles, manifestEntries, pageBodies, readJson, readLogObjects, readTruth, SAMPLE_DIR } from './sample-files.js';

const truth = readTruth();
const objects = readLogObjects();
const records = objects.flatMap((object) => object.records ?? []).filter((record) => record.eventID && record.eventTime);
const byName = (name: string) => records.filter((record) => record.eventName === name);

/** `arn:aws:glue:<region>:<account>:table/<db>/<table>` → `<db>.<table>`. */
function tableOfArn(arn: string): string {
  const [, database, table] = (arn.split(':')[5] ?? '').split('/');
  return `${database}.${table}`;
}

/** Canonical resource strings (DEFINITIONS.md), written independently of the generator. */
function canonical(resource: Record<string, Json>): string {
  const sortJoin = (values: string[], sep: string) => [...values].sort().join(sep);
  if (resource.Database) return `database:${resource.Database.Name}`;
  if (resource.Table)
    return resource.Table.TableWildcard
      ? `table:${resource.Table.DatabaseName}.*`
      : `table:${resource.Table.DatabaseName}.${resource.Table.Name}`;
  if (resource.TableWithColumns)
    return `columns:${resource.TableWithColumns.DatabaseName}.${resource.TableWithColumns.Name}(${sortJoin(resource.TableWithColumns.ColumnNames, ',')})`;
  if (resource.DataLocation) return `data-location:${resource.DataLocation.ResourceArn}`;
  if (resource.LFTag) return `lftag:${resource.LFTag.TagKey}=${sortJoin(resource.LFTag.TagValues, '|')}`;
  if (resource.LFTagPolicy) {
    const parts = [...resource.LFTagPolicy.Expression]
      .sort((a, b) => a.TagKey.localeCompare(b.TagKey))
      .map((c: Json) => `${c.TagKey}=${sortJoin(c.TagValues, '|')}`);
    return `lftag-policy:${resource.LFTagPolicy.ResourceType}:${parts.join(';')}`;
  }
  throw new Error(`unknown resource ${JSON.stringify(resource)}`);
}

function declaredKeys(): Set<string> {
  const show = readJson(join(SAMPLE_DIR, 'declared', 'terraform-show.json'));
  const keys = new Set<string>();
  for (const resource of show.values.root_module.resources) {
    expect(resource.type).toBe('aws_lakeformation_permissions');
    const v = resource.values;
    let api: Record<string, Json>;
    if (v.lf_tag_policy.length)
      api = {
        LFTagPolicy: {
          ResourceType: v.lf_tag_policy[0].resource_type,
          Expression: v.lf_tag_policy[0].expression.map((e: Json) => ({ TagKey: e.key, TagValues: e.values })),
        },
      };
    else if (v.table_with_columns.length)
      api = {
        TableWithColumns: {
          DatabaseName: v.table_with_columns[0].database_name,
          Name: v.table_with_columns[0].name,
          ColumnNames: v.table_with_columns[0].column_names,
        },
      };
    else if (v.table.length)
      api = {
        Table: {
          DatabaseName: v.table[0].database_name,
          Name: v.table[0].name,
          ...(v.table[0].wildcard ? { TableWildcard: {} } : {}),
        },
      };
    else if (v.database.length) api = { Database: { Name: v.database[0].name } };
    else if (v.data_location.length) api = { DataLocation: { ResourceArn: v.data_location[0].arn } };
    else api = { LFTag: { TagKey: v.lf_tag[0].key, TagValues: v.lf_tag[0].values } };
    keys.add(`${v.catalog_id}|${v.principal}|${canonical(api)}`);
  }
  return keys;
}

function actualKeys(): Set<string> {
  const keys = new Set<string>();
  for (const entry of manifestEntries().filter((candidate) => candidate.operation === 'ListPermissions')) {
    for (const body of pageBodies(entry))
      for (const row of body.PrincipalResourcePermissions)
        keys.add(`${entry.account}|${row.Principal.DataLakePrincipalIdentifier}|${canonical(row.Resource)}`);
  }
  return keys;
}

describe('truth.json against the generated logs and snapshots', () => {
  it('names a GetDataAccess of the right table for every PII read and an error for every denial', () => {
    const dataAccess = byName('GetDataAccess').filter((record) => record.userIdentity.type !== 'AWSAccount');
    const byQuery = new Map<string, Json[]>();
    for (const record of dataAccess) {
      const id = /queryId: ([0-9a-f-]+)/.exec(record.requestParameters.auditContext.additionalAuditContext)![1]!;
      byQuery.set(id, [...(byQuery.get(id) ?? []), record]);
    }
    expect(truth.pii_reads.length).toBeGreaterThan(50);
    for (const read of truth.pii_reads) {
      const events = byQuery.get(read.query_id) ?? [];
      expect(
        events.some((record) => tableOfArn(record.requestParameters.tableArn) === read.table && !record.errorCode),
        read.query_id,
      ).toBe(true);
    }
    expect(truth.denied_attempts.length).toBeGreaterThan(3);
    for (const denied of truth.denied_attempts) {
      const events = byQuery.get(denied.query_id) ?? [];
      expect(
        events.some(
          (record) =>
            tableOfArn(record.requestParameters.tableArn) === denied.table && record.errorCode === 'AccessDeniedException',
        ),
      ).toBe(true);
    }
  });

  it('tags a table PII mid-window after earlier reads, which stay non-PII reads', () => {
    const [change] = truth.pii_tag_changes;
    const tagEvent = byName('AddLFTagsToResource').find((record) => record.eventTime === change.tagged_at);
    expect(tagEvent?.requestParameters.resource.table).toMatchObject({ databaseName: 'finance_db', name: 'invoices' });
    expect(tagEvent?.requestParameters.lFTags).toEqual([
      { catalogId: '344444444444', tagKey: 'sensitivity', tagValues: ['pii'] },
    ]);
    expect(change.reads_before_tagging.length).toBeGreaterThan(0);
    const piiQueries = new Set(
      truth.pii_reads.filter((read: Json) => read.table === change.table).map((read: Json) => read.query_id),
    );
    for (const queryId of change.reads_before_tagging) expect(piiQueries.has(queryId)).toBe(false);
    expect(truth.pii_reads.some((read: Json) => read.table === change.table && read.event_time > change.tagged_at)).toBe(true);
  });

  it('has no successful Glue update of a product inside any of its SLA breaches', () => {
    const updates = records.filter((record) => record.eventSource === 'glue.amazonaws.com' && !record.errorCode);
    expect(truth.sla_breaches.length).toBeGreaterThanOrEqual(2);
    expect(truth.sla_breaches.some((breach: Json) => breach.to === null)).toBe(true);
    for (const breach of truth.sla_breaches) {
      const [database, table] = breach.table.split('.');
      const inside = updates.filter(
        (record) =>
          record.requestParameters.databaseName === database &&
          (record.requestParameters.tableName ?? record.requestParameters.tableInput?.name) === table &&
          record.eventTime > breach.from &&
          (breach.to === null || record.eventTime < breach.to),
      );
      expect(inside, `${breach.product} ${breach.from}`).toEqual([]);
      const endsWithUpdate =
        breach.to === null ||
        updates.some((record) => record.eventTime === breach.to && record.requestParameters.databaseName === database);
      expect(endsWithUpdate).toBe(true);
    }
  });

  it('disagrees between declared grants and snapshots exactly as the drift list says', () => {
    const declared = declaredKeys();
    const actual = actualKeys();
    const driftKey = (row: Json) => `${row.account_id}|${row.principal}|${row.resource}`;
    const undeclared = [...actual].filter((key) => !declared.has(key)).sort();
    const absent = [...declared].filter((key) => !actual.has(key)).sort();
    const grantRows = truth.drift.filter((row: Json) => !row.resource.startsWith('settings:'));
    expect(
      grantRows
        .filter((row: Json) => !['missing', 'unused'].includes(row.kind))
        .map(driftKey)
        .sort(),
    ).toEqual(undeclared);
    expect(
      grantRows
        .filter((row: Json) => row.kind === 'missing')
        .map(driftKey)
        .sort(),
    ).toEqual(absent);
    for (const row of grantRows.filter((candidate: Json) => candidate.kind === 'unused'))
      expect(declared.has(driftKey(row)) && actual.has(driftKey(row))).toBe(true);
    expect(new Set(truth.drift.map((row: Json) => row.kind))).toEqual(
      new Set(['unexpected', 'missing', 'iam_allowed_principals', 'named_grant_on_tagged_resource', 'external', 'unused']),
    );
    const grants = new Map(
      [
        ...byName('GrantPermissions'),
        ...byName('BatchGrantPermissions'),
        ...byName('RevokePermissions'),
        ...byName('PutDataLakeSettings'),
      ].map((record) => [record.eventID, record]),
    );
    for (const row of truth.drift) {
      const event = grants.get(row.event_id);
      expect(event, `${row.kind} ${row.resource}`).toBeDefined();
      expect(event!.userIdentity.arn).toBe(row.changed_by);
      expect(event!.eventTime).toBe(row.changed_at);
      expect(event!.recipientAccountId).toBe(row.account_id);
    }
  });

  it('bills each consumer account Athena per day as the sum of its succeeded queries', () => {
    const cost = (bytes: number) => (Math.max(Math.ceil(bytes / 2 ** 20) * 2 ** 20, 10 * 2 ** 20) / 2 ** 40) * 5;
    const expected = new Map<string, number>();
    for (const entry of manifestEntries().filter((candidate) => candidate.operation === 'BatchGetQueryExecution')) {
      for (const execution of pageBodies(entry)[0].QueryExecutions) {
        if (execution.Status.State !== 'SUCCEEDED') continue;
        const day = new Date(execution.Status.SubmissionDateTime * 1000).toISOString().slice(0, 10);
        const key = `${entry.account}|${day}`;
        expected.set(key, (expected.get(key) ?? 0) + cost(execution.Statistics.DataScannedInBytes));
      }
    }
    const entry = manifestEntries().find(
      (candidate) => candidate.service === 'cost-explorer' && candidate.request.GroupBy[0].Key === 'LINKED_ACCOUNT',
    )!;
    let compared = 0;
    for (const body of pageBodies(entry)) {
      for (const result of body.ResultsByTime) {
        if (result.TimePeriod.Start < '2026-10-01') continue;
        for (const group of result.Groups.filter((candidate: Json) => candidate.Keys[1] === 'Amazon Athena')) {
          const want = expected.get(`${group.Keys[0]}|${result.TimePeriod.Start}`) ?? 0;
          expect(Math.abs(Number(group.Metrics.UnblendedCost.Amount) - want)).toBeLessThan(1e-8);
          compared++;
        }
      }
    }
    expect(compared).toBe(60);
    const monthTotal = truth.costs.total_by_month.find((row: Json) => row.month === '2026-10').unblended_usd;
    const domainTotal = truth.costs.monthly_by_domain
      .filter((row: Json) => row.month === '2026-10')
      .reduce((sum: number, row: Json) => sum + row.total_usd, 0);
    expect(Math.abs(monthTotal - domainTotal)).toBeLessThan(0.01);
  });

  it('records the same Athena queries in CloudTrail and in the API', () => {
    const started = new Map(byName('StartQueryExecution').map((record) => [record.responseElements.queryExecutionId, record]));
    const executions = manifestEntries()
      .filter((candidate) => candidate.operation === 'BatchGetQueryExecution')
      .flatMap((candidate) => pageBodies(candidate)[0].QueryExecutions);
    expect(executions).toHaveLength(truth.counts.queries);
    expect(started.size).toBe(executions.length);
    for (const execution of executions) {
      const record = started.get(execution.QueryExecutionId);
      expect(record!.requestParameters.queryString).toBe(execution.Query);
      expect(record!.requestParameters.workGroup).toBe(execution.WorkGroup);
      expect(Math.floor(execution.Status.SubmissionDateTime)).toBe(Date.parse(record!.eventTime) / 1000);
    }
  });

  it('signs a digest chain that verifies every log file but the corrupted one', () => {
    const keys = readJson(join(SAMPLE_DIR, 'cloudtrail', 'public-keys.json')).PublicKeyList;
    const publicKey = createPublicKey({ key: Buffer.from(keys[0].Value, 'base64'), format: 'der', type: 'pkcs1' });
    const digestPaths = listFiles(join(SAMPLE_DIR, 'cloudtrail')).filter(
      (path) => path.includes('CloudTrail-Digest') && path.endsWith('.json.gz'),
    );
    expect(digestPaths).toHaveLength(9 * 2 * 30);
    const logs = new Map(objects.map((object) => [object.key, object]));
    const mismatched: string[] = [];
    const previousOf = new Map<string, { key: string; signature: string; hash: string }>();
    for (const path of digestPaths) {
      const inflated = gunzipSync(readFileSync(path));
      const digest = JSON.parse(inflated.toString('utf8'));
      const meta = readJson(`${path}.s3meta.json`);
      const chain = `${digest.awsAccountId}/${path.split('/CloudTrail-Digest/')[1]!.split('/')[0]}`;
      const previous = previousOf.get(chain);
      expect(digest.previousDigestS3Object).toBe(previous?.key ?? null);
      expect(digest.previousDigestHashValue).toBe(previous?.hash ?? null);
      const toSign = `${digest.digestEndTime}\n${digest.digestS3Bucket}/${digest.digestS3Object}\n${createHash('sha256').update(inflated).digest('hex')}\n${digest.previousDigestSignature ?? 'null'}`;
      expect(verify('sha256', Buffer.from(toSign), publicKey, Buffer.from(meta.signature, 'hex')), digest.digestS3Object).toBe(
        true,
      );
      expect(digest.previousDigestSignature).toBe(previous?.signature ?? null);
      previousOf.set(chain, {
        key: digest.digestS3Object,
        signature: meta.signature,
        hash: createHash('sha256').update(inflated).digest('hex'),
      });
      for (const file of digest.logFiles) {
        const object = logs.get(file.s3Object);
        let hash = '';
        try {
          hash = createHash('sha256').update(gunzipSync(object!.raw)).digest('hex');
        } catch {
          hash = 'unreadable';
        }
        if (hash !== file.hashValue) mismatched.push(file.s3Object);
      }
    }
    expect(mismatched).toEqual(
      truth.bad_inputs.filter((bad: Json) => bad.reason === 'truncated_gzip').map((bad: Json) => bad.key),
    );
  });
});
