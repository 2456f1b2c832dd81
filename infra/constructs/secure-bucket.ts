/**
 * The one way meshwatch creates a data bucket: SSE-KMS with a customer-managed key (rotation on),
 * bucket keys to cut KMS request costs, public access blocked, a TLS-only bucket policy, versioning,
 * objects owned by the bucket owner, and server access logs into the stack's AccessLogsBucket.
 * Every data bucket in every stack goes through here (log buckets through AccessLogsBucket), so
 * the tests that check these properties check all buckets.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface SecureBucketProps {
  readonly bucketName?: string;
  /** Reuse a key (e.g. the lake key for Athena results); default: a new key for this bucket. */
  readonly encryptionKey?: kms.IKey;
  readonly keyAlias?: string;
  readonly description: string;
  readonly lifecycleRules?: s3.LifecycleRule[];
  /** Keep the bucket and its data when the stack is deleted (the lake); default: true. */
  readonly retain?: boolean;
  /** Where S3 delivers the server access logs, under which prefix. */
  readonly accessLogs: { readonly bucket: s3.IBucket; readonly prefix: string };
}

export class SecureBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const removalPolicy = props.retain === false ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    this.key =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `meshwatch: ${props.description}`,
        enableKeyRotation: true,
        alias: props.keyAlias,
        removalPolicy,
        pendingWindow: Duration.days(30),
      });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: props.lifecycleRules,
      serverAccessLogsBucket: props.accessLogs.bucket,
      serverAccessLogsPrefix: props.accessLogs.prefix,
      removalPolicy,
    });
  }
}
