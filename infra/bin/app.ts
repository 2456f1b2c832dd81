/**
 * The CDK app entry: `npm run infra:synth`, or `npx cdk deploy --app "npx tsx infra/bin/app.ts"`.
 * Reads meshwatch.config.yaml (MESHWATCH_CONFIG overrides) and infra/infra.config.yaml
 * (MESHWATCH_INFRA_CONFIG overrides). Writes the cloud assembly to infra/cdk.out unless the cdk
 * CLI passes its own output folder (CDK_OUTDIR).
 */
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../lib/config/load.js';
import { describeError, exitCodeFor } from '../../lib/errors.js';
import { buildMeshwatchApp } from '../app.js';
import { readProductContracts } from '../config/contracts.js';
import { loadInfraConfig } from '../config/infra-config.js';

const repositoryFile = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

async function main(): Promise<void> {
  const meshwatch = await loadConfig(process.env.MESHWATCH_CONFIG ?? repositoryFile('meshwatch.config.yaml'));
  const infra = await loadInfraConfig(process.env.MESHWATCH_INFRA_CONFIG ?? repositoryFile('infra/infra.config.yaml'));
  const products = await readProductContracts(meshwatch.sources.contracts?.path);
  const { app, stacks } = buildMeshwatchApp({
    meshwatch,
    infra,
    products,
    outdir: process.env.CDK_OUTDIR ? undefined : repositoryFile('infra/cdk.out'),
  });
  const assembly = app.synth();
  if (!process.env.CDK_OUTDIR) {
    console.log(`synthesised ${stacks.length} stacks into ${assembly.directory}`);
    for (const stack of assembly.stacks) {
      console.log(`  ${stack.stackName.padEnd(44)} ${stack.environment.account}/${stack.environment.region}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(describeError(error));
  process.exitCode = exitCodeFor(error);
});
