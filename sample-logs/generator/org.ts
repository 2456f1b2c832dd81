/**
 * The NimbusCart organisation: accounts, data products, people and pipelines. Static facts only;
 * what happens over time is planned in `plan/`. Account ids, org id and regions match
 * meshwatch.config.yaml and sample-logs/README.md.
 */
export const ORG_ID = 'o-n1mbusc4rt';
export const MANAGEMENT_ACCOUNT = '200000000001';
export const PRIMARY_REGION = 'us-east-1';
export const REGIONS = ['us-east-1', 'eu-west-1'] as const;
export const TRAIL_BUCKET = 'nimbuscart-org-cloudtrail';
export const TRAIL_NAME = 'nimbuscart-org-trail';
/** An account id outside the organisation that one planted grant points at. */
export const EXTERNAL_ACCOUNT = '999988887777';

export type AccountKind = 'management' | 'log-archive' | 'governance' | 'producer' | 'consumer';

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  readonly kind: AccountKind;
  readonly email: string;
}

function account(id: string, name: string, domain: string, kind: AccountKind): Account {
  return { id, name, domain, kind, email: `aws+${name}@nimbuscart.example` };
}

export const ACCOUNTS: readonly Account[] = [
  account('200000000001', 'nimbuscart-management', 'platform', 'management'),
  account('200000000002', 'nimbuscart-log-archive', 'platform', 'log-archive'),
  account('200000000003', 'nimbuscart-governance', 'governance', 'governance'),
  account('311111111111', 'sales-prod', 'sales', 'producer'),
  account('322222222222', 'marketing-prod', 'marketing', 'producer'),
  account('333333333333', 'supply-chain-prod', 'supply-chain', 'producer'),
  account('344444444444', 'finance-prod', 'finance', 'producer'),
  account('411111111111', 'analytics-prod', 'analytics', 'consumer'),
  account('422222222222', 'data-science-prod', 'data-science', 'consumer'),
];

export const ANALYTICS = '411111111111';
export const DATA_SCIENCE = '422222222222';
export const SALES = '311111111111';
export const MARKETING = '322222222222';
export const SUPPLY_CHAIN = '333333333333';
export const FINANCE = '344444444444';
export const GOVERNANCE = '200000000003';

export function accountById(id: string): Account {
  const found = ACCOUNTS.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`unknown account ${id}`);
  return found;
}

export type Sensitivity = 'public' | 'internal' | 'pii';

export interface Column {
  readonly name: string;
  readonly type: string;
  readonly pii?: boolean;
}

export interface Product {
  readonly domain: string;
  readonly accountId: string;
  readonly database: string;
  readonly table: string;
  readonly description: string;
  readonly sensitivity: Sensitivity;
  readonly layer: 'raw' | 'curated' | 'product';
  readonly cadence: 'daily' | 'hourly';
  readonly partitionKey: string;
  /** Minute of the UTC day (daily) or of the hour (hourly) the pipeline normally lands a partition. */
  readonly runAtMinute: number;
  readonly slaText: string;
  readonly warnLagHours: number;
  readonly maxLagHours: number;
  /** How the pipeline records a new partition in the Glue catalog. */
  readonly writeStyle: 'CreatePartition' | 'BatchCreatePartition' | 'CreatePartition+UpdateTable';
  readonly pipelineRole: string;
  readonly columns: readonly Column[];
  /** Approximate bytes a full scan reads; queries read a fraction of it. */
  readonly scanBytes: number;
  readonly sizeInBytes: number;
  readonly team: string;
  readonly contact: string;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function daily(
  minute: number,
): Pick<Product, 'cadence' | 'partitionKey' | 'runAtMinute' | 'slaText' | 'warnLagHours' | 'maxLagHours'> {
  const hour = Math.floor(minute / 60);
  const by = String(Math.min(hour + 2, 23)).padStart(2, '0');
  return {
    cadence: 'daily',
    partitionKey: 'dt',
    runAtMinute: minute,
    slaText: `every 24h by ${by}:00 UTC`,
    warnLagHours: 26,
    maxLagHours: 30,
  };
}

/** Hourly partitions, registered by the clickstream loader every 3 hours (at hh:07 for the last 3 hours). */
const HOURLY = {
  cadence: 'hourly',
  partitionKey: 'dt_hour',
  runAtMinute: 7,
  slaText: 'hourly partitions, registered at least every 4h',
  warnLagHours: 4,
  maxLagHours: 6,
} as const;
export const HOURLY_REGISTER_EVERY = 3;

function cols(spec: string, pii: readonly string[] = []): Column[] {
  // Split on commas outside parentheses: a type such as decimal(12,2) holds one.
  return spec.split(/,(?![^(]*\))/).map((pair) => {
    const [name, type] = pair.trim().split(':') as [string, string];
    return pii.includes(name) ? { name, type, pii: true } : { name, type };
  });
}

export const PRODUCTS: readonly Product[] = [
  {
    domain: 'sales',
    accountId: SALES,
    database: 'sales_db',
    table: 'orders',
    description: 'One row per order line, settled daily.',
    sensitivity: 'internal',
    layer: 'product',
    ...daily(4 * 60 + 10),
    writeStyle: 'CreatePartition',
    pipelineRole: 'sales-orders-etl',
    columns: cols(
      'order_id:string,customer_id:string,order_ts:timestamp,sku:string,quantity:int,amount_eur:decimal(12,2),channel:string',
    ),
    scanBytes: 2 * GiB,
    sizeInBytes: 61 * GiB,
    team: 'sales-data',
    contact: 'sales-data@nimbuscart.example',
  },
  {
    domain: 'sales',
    accountId: SALES,
    database: 'sales_db',
    table: 'customers',
    description: 'Customer master data (names, e-mail, addresses).',
    sensitivity: 'pii',
    layer: 'curated',
    ...daily(4 * 60 + 25),
    writeStyle: 'CreatePartition',
    pipelineRole: 'sales-orders-etl',
    columns: cols('customer_id:string,full_name:string,email:string,phone:string,country:string,signup_date:date', [
      'full_name',
      'email',
      'phone',
    ]),
    scanBytes: 300 * MiB,
    sizeInBytes: 9 * GiB,
    team: 'sales-data',
    contact: 'sales-data@nimbuscart.example',
  },
  {
    domain: 'sales',
    accountId: SALES,
    database: 'sales_db',
    table: 'returns',
    description: 'Returned order lines, loaded by the evening batch.',
    sensitivity: 'public',
    layer: 'product',
    ...daily(19 * 60 + 40),
    writeStyle: 'CreatePartition',
    pipelineRole: 'sales-orders-etl',
    columns: cols('return_id:string,order_id:string,sku:string,reason:string,returned_at:timestamp'),
    scanBytes: 100 * MiB,
    sizeInBytes: 3 * GiB,
    team: 'sales-data',
    contact: 'sales-data@nimbuscart.example',
  },
  {
    domain: 'marketing',
    accountId: MARKETING,
    database: 'marketing_db',
    table: 'campaigns',
    description: 'Campaign calendar and spend.',
    sensitivity: 'public',
    layer: 'product',
    ...daily(3 * 60 + 50),
    writeStyle: 'CreatePartition',
    pipelineRole: 'marketing-campaigns-etl',
    columns: cols('campaign_id:string,name:string,channel:string,start_date:date,end_date:date,spend_eur:decimal(12,2)'),
    scanBytes: 20 * MiB,
    sizeInBytes: 600 * MiB,
    team: 'growth-marketing',
    contact: 'growth@nimbuscart.example',
  },
  {
    domain: 'marketing',
    accountId: MARKETING,
    database: 'marketing_db',
    table: 'web_sessions',
    description: 'Clickstream sessions, landed every hour.',
    sensitivity: 'internal',
    layer: 'raw',
    ...HOURLY,
    writeStyle: 'CreatePartition',
    pipelineRole: 'marketing-clickstream-firehose',
    columns: cols('session_id:string,visitor_id:string,started_at:timestamp,pages:int,landing_page:string,utm_campaign:string'),
    scanBytes: 5 * GiB,
    sizeInBytes: 410 * GiB,
    team: 'growth-marketing',
    contact: 'growth@nimbuscart.example',
  },
  {
    domain: 'marketing',
    accountId: MARKETING,
    database: 'marketing_db',
    table: 'leads',
    description: 'Marketing leads with a lead score; the e-mail column is PII.',
    sensitivity: 'internal',
    layer: 'curated',
    ...daily(5 * 60 + 5),
    writeStyle: 'CreatePartition',
    pipelineRole: 'marketing-campaigns-etl',
    columns: cols('lead_id:string,campaign_id:string,email:string,score:double,created_at:timestamp', ['email']),
    scanBytes: 400 * MiB,
    sizeInBytes: 12 * GiB,
    team: 'growth-marketing',
    contact: 'growth@nimbuscart.example',
  },
  {
    domain: 'supply-chain',
    accountId: SUPPLY_CHAIN,
    database: 'supply_chain_db',
    table: 'shipments',
    description: 'Outbound shipments and carrier events.',
    sensitivity: 'internal',
    layer: 'product',
    ...daily(4 * 60 + 40),
    writeStyle: 'BatchCreatePartition',
    pipelineRole: 'supply-chain-loader',
    columns: cols('shipment_id:string,order_id:string,carrier:string,shipped_at:timestamp,delivered_at:timestamp,status:string'),
    scanBytes: 1536 * MiB,
    sizeInBytes: 44 * GiB,
    team: 'logistics-data',
    contact: 'logistics-data@nimbuscart.example',
  },
  {
    domain: 'supply-chain',
    accountId: SUPPLY_CHAIN,
    database: 'supply_chain_db',
    table: 'inventory',
    description: 'Daily stock levels per warehouse and SKU.',
    sensitivity: 'internal',
    layer: 'curated',
    ...daily(2 * 60 + 30),
    writeStyle: 'BatchCreatePartition',
    pipelineRole: 'supply-chain-loader',
    columns: cols('warehouse_id:string,sku:string,on_hand:int,reserved:int,snapshot_date:date'),
    scanBytes: 800 * MiB,
    sizeInBytes: 24 * GiB,
    team: 'logistics-data',
    contact: 'logistics-data@nimbuscart.example',
  },
  {
    domain: 'supply-chain',
    accountId: SUPPLY_CHAIN,
    database: 'supply_chain_db',
    table: 'suppliers',
    description: 'Supplier directory.',
    sensitivity: 'public',
    layer: 'product',
    ...daily(1 * 60 + 45),
    writeStyle: 'BatchCreatePartition',
    pipelineRole: 'supply-chain-loader',
    columns: cols('supplier_id:string,name:string,country:string,rating:int'),
    scanBytes: 5 * MiB,
    sizeInBytes: 150 * MiB,
    team: 'logistics-data',
    contact: 'logistics-data@nimbuscart.example',
  },
  {
    domain: 'finance',
    accountId: FINANCE,
    database: 'finance_db',
    table: 'invoices',
    description: 'Customer invoices; tagged PII mid-October once billing addresses were added.',
    sensitivity: 'internal',
    layer: 'product',
    ...daily(3 * 60 + 15),
    writeStyle: 'CreatePartition+UpdateTable',
    pipelineRole: 'finance-ledger-etl',
    columns: cols('invoice_id:string,customer_id:string,issued_at:timestamp,amount_eur:decimal(12,2),billing_address:string'),
    scanBytes: 600 * MiB,
    sizeInBytes: 18 * GiB,
    team: 'finance-data',
    contact: 'finance-data@nimbuscart.example',
  },
  {
    domain: 'finance',
    accountId: FINANCE,
    database: 'finance_db',
    table: 'salaries',
    description: 'Payroll per employee and month.',
    sensitivity: 'pii',
    layer: 'raw',
    ...daily(2 * 60 + 5),
    writeStyle: 'CreatePartition+UpdateTable',
    pipelineRole: 'finance-ledger-etl',
    columns: cols('employee_id:string,full_name:string,salary_eur:decimal(12,2),bank_iban:string,pay_month:string', [
      'full_name',
      'bank_iban',
    ]),
    scanBytes: 50 * MiB,
    sizeInBytes: 1 * GiB,
    team: 'finance-data',
    contact: 'finance-data@nimbuscart.example',
  },
  {
    domain: 'finance',
    accountId: FINANCE,
    database: 'finance_db',
    table: 'budgets',
    description: 'Budget versus actuals per cost centre.',
    sensitivity: 'internal',
    layer: 'product',
    ...daily(3 * 60 + 35),
    writeStyle: 'CreatePartition+UpdateTable',
    pipelineRole: 'finance-ledger-etl',
    columns: cols('cost_centre:string,month:string,budget_eur:decimal(12,2),actual_eur:decimal(12,2)'),
    scanBytes: 10 * MiB,
    sizeInBytes: 300 * MiB,
    team: 'finance-data',
    contact: 'finance-data@nimbuscart.example',
  },
];

export function productName(product: Product): string {
  return `${product.domain}.${product.table}`;
}

export function tableFqn(product: Product): string {
  return `${product.database}.${product.table}`;
}

export function productByFqn(fqn: string): Product {
  const found = PRODUCTS.find((product) => tableFqn(product) === fqn);
  if (!found) throw new Error(`unknown table ${fqn}`);
  return found;
}

export function tableArn(product: Product, region = PRIMARY_REGION): string {
  return `arn:aws:glue:${region}:${product.accountId}:table/${product.database}/${product.table}`;
}

export function s3Location(product: Product): string {
  return `s3://nimbuscart-${product.domain}-lake/${product.database}/${product.table}/`;
}

/** The one resource link: data-science's `ds_shared.suppliers` points at supply_chain_db.suppliers. */
export const RESOURCE_LINK = {
  accountId: DATA_SCIENCE,
  database: 'ds_shared',
  table: 'suppliers',
  target: 'supply_chain_db.suppliers',
} as const;
