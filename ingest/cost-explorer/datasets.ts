/** The Cost Explorer dataset, declared once; see ingest/aws/dataset-spec.ts. */
import { defineDataset } from '../aws/dataset-spec.js';

export const costDailyDataset = defineDataset({
  name: 'cost_daily',
  description:
    'Cost Explorer GetCostAndUsage, DAILY, by LINKED_ACCOUNT × SERVICE and by the cost-allocation tag; re-fetched days replace their rows.',
  partitionBy: ['billing_month'],
  mode: { kind: 'merge', key: ['day', 'grouping'] },
  columns: [
    { name: 'day', type: 'DATE', description: 'the usage day (TimePeriod.Start)' },
    { name: 'grouping', type: 'VARCHAR', description: "'LINKED_ACCOUNT,SERVICE' or 'TAG'" },
    { name: 'account_id', type: 'VARCHAR', description: 'linked account (LINKED_ACCOUNT,SERVICE rows)' },
    {
      name: 'service',
      type: 'VARCHAR',
      description: 'service name as Cost Explorer writes it, e.g. Amazon Athena (LINKED_ACCOUNT,SERVICE rows)',
    },
    { name: 'tag_key', type: 'VARCHAR', description: 'the tag key (TAG rows)' },
    { name: 'tag_value', type: 'VARCHAR', description: "the tag value; '' when untagged (TAG rows)" },
    { name: 'unblended_cost_usd', type: 'DOUBLE', description: 'Metrics.UnblendedCost.Amount' },
    { name: 'amortized_cost_usd', type: 'DOUBLE', description: 'Metrics.AmortizedCost.Amount' },
    { name: 'currency', type: 'VARCHAR', description: 'Metrics.UnblendedCost.Unit (USD)' },
    { name: 'estimated', type: 'BOOLEAN', description: 'Estimated: the figure may still change' },
    { name: 'fetched_at', type: 'TIMESTAMP', description: 'when this row was fetched (run time, UTC)' },
    { name: 'billing_month', type: 'VARCHAR', description: 'YYYY-MM of day (partition)' },
  ],
});
