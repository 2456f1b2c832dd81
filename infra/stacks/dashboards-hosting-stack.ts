/**
 * The built dashboards (`lake/site/`, from `meshwatch dashboards build`) in a private bucket behind
 * CloudFront with Origin Access Control. The pages show who read PII, so every viewer request goes
 * through a Lambda@Edge check of a Cognito ID token (sign-in through the hosted UI, MFA required,
 * no self sign-up). HTTPS only, security headers on every response, standard logs of every
 * request and server access logs of the bucket. Deployed in us-east-1, where Lambda@Edge
 * functions must live.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { type Deployment, EDGE_REGION } from '../config/deployment.js';
import { AccessLogsBucket } from '../constructs/access-logs-bucket.js';
import { SecureBucket } from '../constructs/secure-bucket.js';
import { suppressNag } from '../security/nag-suppressions.js';

const VIEWER_AUTH_SOURCE = fileURLToPath(new URL('../edge/viewer-auth/', import.meta.url));

/** What the pages may load: only their own origin (the built site requests nothing else). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // Observable Framework pages run inline module scripts and styles.
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export interface DashboardsHostingStackProps extends StackProps {
  readonly deployment: Deployment;
}

export class DashboardsHostingStack extends Stack {
  readonly site: SecureBucket;
  /** CloudFront standard logs and the site bucket's server access logs. */
  readonly logs: AccessLogsBucket;
  readonly distribution: cloudfront.Distribution;
  readonly userPool: cognito.UserPool;
  readonly viewerAuth: lambda.Function;

  constructor(scope: Construct, id: string, props: DashboardsHostingStackProps) {
    super(scope, id, props);
    const { deployment } = props;
    this.logs = new AccessLogsBucket(this, 'Logs', {
      retentionDays: deployment.infra.runner.log_retention_days,
      aclDelivery: true,
    });
    this.site = new SecureBucket(this, 'Site', {
      bucketName: deployment.siteBucketName,
      description: 'dashboards site',
      keyAlias: deployment.siteKeyAlias,
      accessLogs: { bucket: this.logs.bucket, prefix: `s3/${deployment.siteBucketName}/` },
    });
    this.userPool = new cognito.UserPool(this, 'Viewers', {
      userPoolName: `${deployment.namePrefix}-dashboards`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const domain = this.userPool.addDomain('SignIn', {
      cognitoDomain: { domainPrefix: deployment.infra.dashboards.cognito_domain_prefix },
    });
    const parameterName = `/${deployment.namePrefix}/dashboards/viewer-auth`;
    this.viewerAuth = this.viewerAuthFunction(parameterName, `${deployment.namePrefix}-dashboards-viewer-auth`);
    const custom = deployment.infra.dashboards.custom_domain;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'meshwatch dashboards',
      // The default *.cloudfront.net certificate cannot refuse TLS 1.0/1.1; a custom domain can.
      ...(custom
        ? {
            domainNames: [custom.name],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', custom.certificate_arn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultRootObject: 'index.html',
      // Standard logs: who fetched which page (the pages show who read PII; their readers are audited too).
      enableLogging: true,
      logBucket: this.logs.bucket,
      logFilePrefix: 'cloudfront/',
      priceClass: deployment.infra.dashboards.price_class as cloudfront.PriceClass,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.site.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: new cloudfront.CachePolicy(this, 'SiteCache', {
          comment: 'meshwatch dashboards: the site is rebuilt by every meshwatch run',
          defaultTtl: Duration.minutes(5),
          maxTtl: Duration.hours(1),
          minTtl: Duration.seconds(0),
          enableAcceptEncodingGzip: true,
          enableAcceptEncodingBrotli: true,
        }),
        responseHeadersPolicy: this.securityHeaders(),
        edgeLambdas: [
          { eventType: cloudfront.LambdaEdgeEventType.VIEWER_REQUEST, functionVersion: this.viewerAuth.currentVersion },
        ],
      },
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 404,
        responsePagePath: '/404.html',
        ttl: Duration.minutes(1),
      })),
    });
    const siteHosts = [this.distribution.distributionDomainName, ...(custom ? [custom.name] : [])];
    const client = this.userPool.addClient('Dashboards', {
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: siteHosts.map((host) => `https://${host}/_auth/callback`),
        logoutUrls: siteHosts.map((host) => `https://${host}/`),
      },
    });
    new ssm.StringParameter(this, 'ViewerAuthSettings', {
      parameterName,
      description: 'meshwatch dashboards: what the Lambda@Edge viewer check verifies tokens against',
      stringValue: this.toJsonString({
        region: this.region,
        userPoolId: this.userPool.userPoolId,
        clientId: client.userPoolClientId,
        domain: `${domain.domainName}.auth.${this.region}.amazoncognito.com`,
      }),
    });
    suppressNag(this.userPool, 'viewerPoolFeaturePlan');
    suppressNag(this.distribution, 'distributionGeoRestriction');
    suppressNag(this.distribution, 'distributionWaf');
    if (!custom) suppressNag(this.distribution, 'distributionDefaultCertificate');
    new CfnOutput(this, 'SiteUrl', { value: `https://${custom?.name ?? this.distribution.distributionDomainName}/` });
    new CfnOutput(this, 'ViewerUserPoolId', {
      value: this.userPool.userPoolId,
      description: 'add dashboard viewers here (aws cognito-idp admin-create-user)',
    });
    Tags.of(this).add('meshwatch:component', 'dashboards-hosting');
  }

  /**
   * Lambda@Edge takes no environment variables, and the app client depends on the distribution's
   * domain (its callback URL): the function reads the settings from SSM at cold start instead of
   * having them compiled in, which would make a dependency cycle.
   */
  private viewerAuthFunction(parameterName: string, functionName: string): lambda.Function {
    const role = new iam.Role(this, 'ViewerAuthRole', {
      assumedBy: new iam.CompositePrincipal(
        new iam.ServicePrincipal('lambda.amazonaws.com'),
        new iam.ServicePrincipal('edgelambda.amazonaws.com'),
      ),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadViewerAuthSettings',
        actions: ['ssm:GetParameter'],
        resources: [`arn:aws:ssm:${EDGE_REGION}:${this.account}:parameter${parameterName}`],
      }),
    );
    // What AWSLambdaBasicExecutionRole grants, for this function's log groups only: the edge
    // replicas log to /aws/lambda/us-east-1.<name> in the region that ran them.
    const logGroups = edgeLogGroupArns(this.account, functionName);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: logGroups,
      }),
    );
    const wildcards = logGroups.filter((arn) => arn.includes('*')).map((arn) => `Resource::${arn}`);
    suppressNag(role, 'edgeFunctionLogs', wildcards);
    return new lambda.Function(this, 'ViewerAuth', {
      functionName,
      description: 'meshwatch dashboards: Cognito sign-in check (viewer request)',
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(viewerAuthAsset(parameterName)),
      role,
      memorySize: 128,
      timeout: Duration.seconds(5),
    });
  }

  private securityHeaders(): cloudfront.ResponseHeadersPolicy {
    return new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'meshwatch dashboards: security headers',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [{ header: 'Cache-Control', value: 'private, no-store', override: false }],
      },
    });
  }
}

/** The log groups of a Lambda@Edge function: its own in us-east-1, its replicas' in every region. */
export function edgeLogGroupArns(account: string, functionName: string): string[] {
  return [
    `arn:aws:logs:${EDGE_REGION}:${account}:log-group:/aws/lambda/${functionName}`,
    `arn:aws:logs:*:${account}:log-group:/aws/lambda/${EDGE_REGION}.${functionName}`,
  ].flatMap((group) => [group, `${group}:*`]);
}

/** The handler plus a config.json naming the SSM parameter, in a folder the asset is built from. */
function viewerAuthAsset(parameterName: string): string {
  const dir = join(tmpdir(), `meshwatch-viewer-auth-${createHash('sha256').update(parameterName).digest('hex').slice(0, 16)}`);
  mkdirSync(dir, { recursive: true });
  cpSync(join(VIEWER_AUTH_SOURCE, 'index.mjs'), join(dir, 'index.mjs'));
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify({ parameterName, parameterRegion: EDGE_REGION })}\n`);
  return dir;
}
