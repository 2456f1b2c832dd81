import { describe, expect, it } from 'vitest';
import { type ApiCollectorDefinition, selectScopes } from '../../../ingest/aws/api-collector.js';
import { CONSUMER, miniOrgConfig, PRODUCER } from './mini-org.js';

const definition = (global: boolean): ApiCollectorDefinition => ({
  name: 'athena',
  description: 'test',
  datasets: [],
  accounts: () => [PRODUCER, CONSUMER],
  regions: () => (global ? ['us-east-1'] : ['us-east-1', 'eu-west-1']),
  global,
  collectScope: async function* () {},
});

describe('selectScopes', () => {
  const config = miniOrgConfig({ lake: '/tmp/unused-lake', endpoint: 'http://127.0.0.1:1' });

  it('reads every account × region, narrowed by --account and --region', () => {
    expect(selectScopes(definition(false), config, {})).toHaveLength(4);
    expect(selectScopes(definition(false), config, { accounts: [CONSUMER], regions: ['eu-west-1'] })).toEqual([
      { account: CONSUMER, region: 'eu-west-1' },
    ]);
  });

  it('does not let --region drop a global API', () => {
    expect(selectScopes(definition(true), config, { regions: ['eu-west-1'] })).toEqual([
      { account: PRODUCER, region: 'us-east-1' },
      { account: CONSUMER, region: 'us-east-1' },
    ]);
  });
});
