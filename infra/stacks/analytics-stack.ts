/**
 * Athena over the lake: a Glue database with one table per dataset and mart (partition projection
 * for the partitioned ones, so new days and accounts are queryable with no crawler), a workgroup
 * that enforces its encrypted result location and a bytes-scanned cutoff, and a managed policy an
 * analyst role can attach to query it.
 */
import { Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { glueTableInput, LAKE_TABLES } from '../analytics/lake-tables.js';
import type { Deployment } from '../config/deployment.js';
import { SecureBucket } from '../constructs/secure-bucket.js';
import { nagArnOf, suppressNag } from '../security/nag-suppressions.js';

/** Where the workgroup writes query results in the results bucket. */
const RESULTS_PREFIX = 'results/';

export interface AnalyticsStackProps extends StackProps {
  readonly deployment: Deployment;
  readonly lakeBucket: s3.IBucket;
  readonly lakeKey: kms.IKey;
  /** The pipeline stack's access-log bucket (same account and region): the results bucket logs there. */
  readonly accessLogs: s3.IBucket;
}

export class AnalyticsStack extends Stack {
  readonly workgroup: athena.CfnWorkGroup;
  readonly tables: glue.CfnTable[];

  constructor(scope: Construct, id: string, props: AnalyticsStackProps) {
    super(scope, id, props);
    const { deployment } = props;
    const settings = deployment.infra.athena;
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: this.account,
      databaseInput: { name: settings.database, description: 'meshwatch lake: raw datasets and marts' },
    });
    this.tables = LAKE_TABLES.map((table) => {
      const resource = new glue.CfnTable(this, `Table-${table.name}`, {
        catalogId: this.account,
        databaseName: settings.database,
        tableInput: glueTableInput(table, `s3://${deployment.lakeBucketName}/${table.folder}/`, deployment),
      });
      resource.node.addDependency(database);
      return resource;
    });
    const results = new SecureBucket(this, 'Results', {
      description: 'Athena query results',
      encryptionKey: props.lakeKey,
      lifecycleRules: [{ id: 'expire-results', expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(1) }],
      retain: false,
      accessLogs: { bucket: props.accessLogs, prefix: 's3/athena-results/' },
    });
    this.workgroup = new athena.CfnWorkGroup(this, 'Workgroup', {
      name: settings.workgroup,
      description: 'meshwatch: queries over the lake',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        bytesScannedCutoffPerQuery: settings.bytes_scanned_cutoff_per_query,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${results.bucket.bucketName}/${RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.lakeKey.keyArn },
        },
      },
    });
    this.readerPolicy(deployment, props, results.bucket);
    this.lakeFormationGrants(settings.reader_principals, settings.database, database);
    Tags.of(this).add('meshwatch:component', 'analytics');
  }

  /**
   * With Lake Formation governing the catalog (IAM_ALLOWED_PRINCIPALS off), IAM permissions alone
   * do not let anyone read these tables: readers also need Lake Formation grants, given here.
   */
  private lakeFormationGrants(principals: readonly string[], databaseName: string, database: glue.CfnDatabase): void {
    principals.forEach((principal, index) => {
      const grants = [
        { id: 'Database', permissions: ['DESCRIBE'], resource: { database: { catalogId: this.account, name: databaseName } } },
        {
          id: 'Tables',
          permissions: ['SELECT', 'DESCRIBE'],
          resource: { table: { catalogId: this.account, databaseName, tableWildcard: {} } },
        },
      ];
      for (const grant of grants) {
        const permission = new lakeformation.CfnPrincipalPermissions(this, `Reader${index}${grant.id}`, {
          principal: { dataLakePrincipalIdentifier: principal },
          resource: grant.resource,
          permissions: grant.permissions,
          permissionsWithGrantOption: [],
        });
        permission.node.addDependency(database);
      }
    });
  }

  /**
   * Query the lake through the workgroup: the workgroup itself, the meshwatch database's tables,
   * the table folders of the lake (not its DuckDB file, manifest or lease), the results prefix.
   */
  private readerPolicy(deployment: Deployment, props: AnalyticsStackProps, results: s3.IBucket): void {
    const settings = deployment.infra.athena;
    const glueArn = (resource: string) => `arn:aws:glue:${this.region}:${this.account}:${resource}`;
    const folders = [...new Set(LAKE_TABLES.map((table) => table.folder))].sort();
    const policy = new iam.ManagedPolicy(this, 'ReaderPolicy', {
      managedPolicyName: `${deployment.namePrefix}-athena-reader`,
      description: 'query the meshwatch lake with Athena in the meshwatch workgroup',
      statements: [
        new iam.PolicyStatement({
          sid: 'UseWorkgroup',
          actions: [
            'athena:StartQueryExecution',
            'athena:GetQueryExecution',
            'athena:GetQueryResults',
            'athena:StopQueryExecution',
            'athena:GetWorkGroup',
          ],
          resources: [`arn:aws:athena:${this.region}:${this.account}:workgroup/${settings.workgroup}`],
        }),
        new iam.PolicyStatement({
          sid: 'ReadCatalog',
          actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions'],
          resources: [glueArn('catalog'), glueArn(`database/${settings.database}`), glueArn(`table/${settings.database}/*`)],
        }),
        new iam.PolicyStatement({
          sid: 'ReadLakeTables',
          actions: ['s3:GetObject'],
          resources: folders.map((folder) => props.lakeBucket.arnForObjects(`${folder}/*`)),
        }),
        new iam.PolicyStatement({
          sid: 'ListLakeTables',
          actions: ['s3:ListBucket'],
          resources: [props.lakeBucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': folders.flatMap((folder) => [`${folder}/*`, `${folder}/`]) } },
        }),
        new iam.PolicyStatement({
          sid: 'WriteResults',
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
          resources: [results.arnForObjects(`${RESULTS_PREFIX}*`)],
        }),
        new iam.PolicyStatement({
          sid: 'ListResults',
          actions: ['s3:ListBucket', 's3:GetBucketLocation'],
          resources: [results.bucketArn],
        }),
        new iam.PolicyStatement({
          sid: 'UseLakeKey',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [props.lakeKey.keyArn],
        }),
      ],
    });
    const lake = nagArnOf(props.lakeBucket);
    const resultsArn = nagArnOf(results);
    suppressNag(policy, 'readerLakeTables', [
      `Resource::${glueArn(`table/${settings.database}/*`)}`,
      `Resource::${resultsArn}/${RESULTS_PREFIX}*`,
      ...folders.map((folder) => `Resource::${lake}/${folder}/*`),
    ]);
  }
}
