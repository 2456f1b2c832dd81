/**
 * The bucket a stack's S3 server access logs (and CloudFront standard logs, VPC flow logs) go to.
 * Unlike SecureBucket it is encrypted with S3-managed keys: S3 server access logging cannot
 * deliver to a bucket whose default encryption is SSE-KMS. Public access blocked, TLS only,
 * versioned, logs expire after the configured retention. Log delivery is granted by bucket policy
 * (the S3 feature flag below), not by ACL, unless `aclDelivery` is set for CloudFront's standard
 * logs, which are written through the bucket ACL.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';

export interface AccessLogsBucketProps {
  /** Days logs are kept (the runner log retention, so every log of a deployment ages alike). */
  readonly retentionDays: number;
  /** CloudFront standard logging writes through ACLs: the bucket must keep ACLs enabled for it. */
  readonly aclDelivery?: boolean;
}

export class AccessLogsBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogsBucketProps) {
    super(scope, id);
    // Read where log delivery is granted: a bucket policy for logging.s3.amazonaws.com, no ACL.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: props.aclDelivery ? s3.ObjectOwnership.OBJECT_WRITER : s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: 'expire-logs',
          expiration: Duration.days(props.retentionDays),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
