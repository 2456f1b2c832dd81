import { AthenaClient, BatchGetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { queryExecutions } from '../../../ingest/athena/fetch.js';

describe('athena queryExecutions', () => {
  it('asks again for UnprocessedQueryExecutionIds and splits ids into batches of 50', async () => {
    // Prepare: the first batch leaves q2 unprocessed once.
    const athena = mockClient(AthenaClient);
    const asked: string[][] = [];
    athena.on(BatchGetQueryExecutionCommand).callsFake((input: { QueryExecutionIds: string[] }) => {
      asked.push([...input.QueryExecutionIds]);
      const retried = asked.length > 1;
      const processed = input.QueryExecutionIds.filter((id) => retried || id !== 'q2');
      return {
        QueryExecutions: processed.map((id) => ({ QueryExecutionId: id })),
        UnprocessedQueryExecutionIds:
          processed.length < input.QueryExecutionIds.length ? [{ QueryExecutionId: 'q2', ErrorCode: 'INTERNAL' }] : [],
      };
    });
    const ids = ['q1', 'q2', ...Array.from({ length: 50 }, (_, index) => `r${index}`)];
    // Act
    const result = await queryExecutions(new AthenaClient({ region: 'us-east-1' }), ids);
    // Assess
    expect(asked.map((batch) => batch.length)).toEqual([50, 1, 2]);
    expect(asked[1]).toEqual(['q2']);
    expect(result.executions.map((execution) => execution.QueryExecutionId).sort()).toEqual([...ids].sort());
    expect(result.unprocessed).toEqual([]);
    athena.restore();
  });

  it('gives up on ids that stay unprocessed and reports them', async () => {
    const athena = mockClient(AthenaClient);
    athena
      .on(BatchGetQueryExecutionCommand)
      .resolves({ QueryExecutions: [], UnprocessedQueryExecutionIds: [{ QueryExecutionId: 'gone' }] });
    const result = await queryExecutions(new AthenaClient({ region: 'us-east-1' }), ['gone']);
    expect(result.unprocessed).toEqual(['gone']);
    expect(athena.commandCalls(BatchGetQueryExecutionCommand)).toHaveLength(4);
    athena.restore();
  });
});
