/**
 * A model is one SQL `SELECT` (`<name>.sql`) and its metadata beside it (`<name>.yml`): what it
 * means, what its columns mean, and fixed-rows tests (given input rows → expected output rows).
 * Models live in `transforms/models/<layer>/`; the folder names the layer (staging, intermediate,
 * marts) and only marts are published as Parquet.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { TransformError } from '../../lib/errors.js';
import { assertIdentifier } from '../../lib/lake/duckdb.js';
import { dataTestSchema } from './data-tests.js';
import { findReferences, type TemplateReferences } from './template.js';

export const MODELS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'models');

const rowSchema = z.record(z.string(), z.unknown());

const fixedRowsTestSchema = z.strictObject({
  name: z.string().min(1),
  /** Rows for sources (`cloudtrail`, `config_accounts`…) or upstream models (`stg_…`); the rest are empty. */
  given: z.record(z.string(), z.array(rowSchema)).default({}),
  /** Parameter overrides for this test, e.g. `{ now: '2026-10-31T00:00:00Z' }`. */
  params: z.record(z.string(), z.unknown()).default({}),
  /** Expected rows; only the columns named in them are compared, in any order. */
  expect: z.array(rowSchema),
});

/** A column of a model's contract: its DuckDB type as `DESCRIBE` prints it, and what it means. */
const contractColumnSchema = z.strictObject({
  name: z.string().min(1),
  data_type: z.string().min(1),
  description: z.string().min(1).optional(),
  /** dbt-style data tests run on the built table after every transform (data-tests.ts). */
  data_tests: z.array(dataTestSchema).optional(),
});

export type ContractColumn = z.infer<typeof contractColumnSchema>;

const metadataSchema = z.strictObject({
  description: z.string().min(1),
  /**
   * dbt's enforced contract: with `enforced: true`, `columns` lists every column of the model in
   * order with its `data_type`, and the build fails when the built table differs (contract.ts).
   */
  contract: z.strictObject({ enforced: z.boolean() }).default({ enforced: false }),
  /** `{name: description}` for staging/intermediate models; the contract's column list for marts. */
  columns: z.union([z.record(z.string(), z.string()), z.array(contractColumnSchema)]).default({}),
  tests: z.array(fixedRowsTestSchema).default([]),
  /**
   * DuckDB settings in force while this model is built, e.g. `{ disabled_optimizers:
   * build_side_probe_side }` where the optimizer misjudges which side of a join is small. They
   * change how fast the model runs, never what it returns.
   */
  settings: z.record(z.string().regex(/^[a-z_]+$/), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

export type FixedRowsTest = z.infer<typeof fixedRowsTestSchema>;
export type ModelMetadata = z.infer<typeof metadataSchema>;

export interface Model extends TemplateReferences {
  readonly name: string;
  readonly layer: string;
  readonly sql: string;
  readonly sqlFile: string;
  readonly metadata: ModelMetadata;
  /** Marts are published to `lake/marts/<name>/` and keep their names in the contract. */
  readonly isMart: boolean;
}

export async function loadModels(dir: string = MODELS_DIR): Promise<Model[]> {
  const models: Model[] = [];
  for (const layer of (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory())) {
    const layerDir = join(dir, layer.name);
    const files = (await readdir(layerDir)).filter((file) => file.endsWith('.sql')).sort();
    for (const file of files) models.push(await loadModel(join(layerDir, file), layer.name));
  }
  const seen = new Set<string>();
  for (const model of models) {
    if (seen.has(model.name))
      throw new TransformError(`two models are named ${model.name}`, { context: { file: model.sqlFile } });
    seen.add(model.name);
  }
  return models;
}

async function loadModel(sqlFile: string, layer: string): Promise<Model> {
  const name = assertIdentifier(basename(sqlFile, '.sql'), 'model name');
  const sql = await readFile(sqlFile, 'utf8');
  const metadataFile = sqlFile.replace(/\.sql$/, '.yml');
  let raw: unknown;
  try {
    raw = parse(await readFile(metadataFile, 'utf8'));
  } catch (cause) {
    throw new TransformError(`model ${name} has no readable metadata file`, {
      cause,
      context: { file: metadataFile },
      hint: 'every model needs <name>.yml beside <name>.sql with a description, columns and tests',
    });
  }
  const metadata = parseModelMetadata(raw, name, metadataFile);
  const isMart = layer === 'marts';
  if (isMart) assertMartContract(name, metadata, metadataFile);
  return { name, layer, sql, sqlFile, metadata, isMart, ...findReferences(sql, sqlFile) };
}

/** Validates a model's .yml (parsed); throws a TransformError naming each problem. */
export function parseModelMetadata(raw: unknown, name: string, metadataFile: string): ModelMetadata {
  const parsed = metadataSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new TransformError(`model ${name} metadata is invalid: ${problems}`, {
      context: { file: metadataFile },
      hint: 'see transforms/README section in the repository README for the metadata shape',
    });
  }
  return parsed.data;
}

export interface MartContract {
  readonly name: string;
  readonly description: string;
  readonly columns: readonly ContractColumn[];
}

/**
 * Every mart's contract, read synchronously from its .yml (the CDK app derives the Athena tables
 * from them while it constructs its stacks, which cannot wait).
 */
export function readMartContracts(dir: string = MODELS_DIR): MartContract[] {
  const martsDir = join(dir, 'marts');
  return readdirSync(martsDir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const name = basename(file, '.sql');
      const metadataFile = join(martsDir, `${name}.yml`);
      const metadata = parseModelMetadata(parse(readFileSync(metadataFile, 'utf8')), name, metadataFile);
      assertMartContract(name, metadata, metadataFile);
      return { name, description: metadata.description.trim(), columns: contractColumns({ metadata }) ?? [] };
    });
}

/** A mart is a published contract: its .yml must declare every column with a type. */
function assertMartContract(name: string, metadata: ModelMetadata, metadataFile: string): void {
  if (metadata.contract.enforced && Array.isArray(metadata.columns) && metadata.columns.length > 0) return;
  throw new TransformError(`mart ${name} has no enforced contract`, {
    context: { file: metadataFile },
    hint: 'declare `contract: { enforced: true }` and `columns: [{ name, data_type, description }]` for every column, in order',
  });
}

/** The declared columns of a model with an enforced contract, else undefined. */
export function contractColumns(model: Pick<Model, 'metadata'>): readonly ContractColumn[] | undefined {
  const { contract, columns } = model.metadata;
  return contract.enforced && Array.isArray(columns) ? columns : undefined;
}
