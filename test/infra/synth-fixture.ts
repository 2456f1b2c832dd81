/**
 * Builds the CDK app the way `npm run infra:synth` does — the repository's meshwatch.config.yaml
 * and infra/infra.config.yaml — into a temp folder, with a fixed set of product contracts so the
 * alarm assertions do not depend on the generated sample. Synthesise once per test file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildMeshwatchApp, type MeshwatchApp } from '../../infra/app.js';
import type { ProductContract } from '../../infra/config/contracts.js';
import { type InfraConfig, loadInfraConfig } from '../../infra/config/infra-config.js';
import { loadConfig } from '../../lib/config/load.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const FIXTURE_PRODUCTS: readonly ProductContract[] = [
  { product: 'sales.orders', domain: 'sales', maxLagHours: 30 },
  { product: 'finance.salaries', domain: 'finance', maxLagHours: 48 },
  { product: 'marketing.campaigns', domain: 'marketing', maxLagHours: undefined },
];

export interface SynthesizedApp {
  readonly built: MeshwatchApp;
  readonly infra: InfraConfig;
  /** Every stack's template, by stack id. */
  readonly templates: ReadonlyMap<string, Template>;
}

export async function synthesizeRepositoryApp(
  adjust: (infra: InfraConfig) => InfraConfig = (infra) => infra,
  /** Runs on the app before it is synthesised (e.g. to add cdk-nag's checks as an aspect). */
  prepare: (app: App) => void = () => undefined,
): Promise<SynthesizedApp> {
  const meshwatch = await loadConfig(join(REPO_ROOT, 'meshwatch.config.yaml'));
  const infra = adjust(await loadInfraConfig(join(REPO_ROOT, 'infra/infra.config.yaml')));
  const built = buildMeshwatchApp({
    meshwatch,
    infra,
    products: FIXTURE_PRODUCTS,
    outdir: mkdtempSync(join(tmpdir(), 'meshwatch-cdk-')),
  });
  prepare(built.app);
  built.app.synth();
  const templates = new Map(built.stacks.map((stack) => [stack.node.id, Template.fromStack(stack)]));
  return { built, infra, templates };
}

/** Policy statements as CloudFormation holds them: Action and Resource may be a string or a list. */
export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
