/**
 * On-call: the KMS-encrypted SNS topic the alert stage publishes to, CloudWatch alarms on the
 * metrics it publishes (ALERT_METRICS) with the topic as alarm and OK action, and a dashboard.
 * Alarm thresholds come from the contracts (freshness) and the infra config (drift, PII readers).
 */
import { CfnOutput, Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { ALERT_METRICS, METRIC_DIMENSIONS, PII_NEW_READER_RULE } from '../alerting/metrics.js';
import type { ProductContract } from '../config/contracts.js';
import type { Deployment } from '../config/deployment.js';

export interface AlertingStackProps extends StackProps {
  readonly deployment: Deployment;
  readonly products: readonly ProductContract[];
}

export class AlertingStack extends Stack {
  readonly topic: sns.Topic;
  /** The key the topic is encrypted with (publishers need kms:GenerateDataKey and kms:Decrypt on it). */
  readonly topicKey: kms.Key;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly deployment: Deployment;

  constructor(scope: Construct, id: string, props: AlertingStackProps) {
    super(scope, id, props);
    this.deployment = props.deployment;
    const key = new kms.Key(this, 'TopicKey', {
      description: 'meshwatch: on-call topic',
      enableKeyRotation: true,
      alias: `alias/${props.deployment.namePrefix}-oncall`,
    });
    // CloudWatch alarms publish to an encrypted topic only if the key lets the service use it.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': props.deployment.pipeline.account } },
      }),
    );
    this.topicKey = key;
    this.topic = new sns.Topic(this, 'OncallTopic', {
      topicName: props.deployment.oncallTopicName,
      displayName: 'meshwatch on-call',
      masterKey: key,
      enforceSSL: true,
    });
    for (const email of props.deployment.infra.alarms.oncall_emails) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    for (const product of props.products) this.freshnessAlarm(product);
    for (const domain of domainsOf(props.deployment)) this.driftAlarm(domain);
    this.piiNewReaderAlarm();
    this.dashboard(props.products);
    new CfnOutput(this, 'OncallTopicArn', {
      value: this.topic.topicArn,
      description: 'alerts.destinations: [{ type: sns, topic_arn: <this> }] in meshwatch.config.yaml',
    });
    Tags.of(this).add('meshwatch:component', 'alerting');
  }

  private metric(name: string, dimensions: Record<string, string>, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.deployment.metricsNamespace,
      metricName: name,
      dimensionsMap: dimensions,
      statistic,
      period: Duration.minutes(this.deployment.infra.alarms.period_minutes),
    });
  }

  private addAlarm(id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, props);
    const action = new actions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }

  private freshnessAlarm(product: ProductContract): void {
    const threshold = product.maxLagHours ?? this.deployment.infra.alarms.default_max_lag_hours;
    this.addAlarm(`Freshness-${alarmIdPart(product.product)}`, {
      alarmName: `${this.deployment.namePrefix}-freshness-${product.product}`,
      alarmDescription: `${product.product} is past its contract's max lag of ${threshold} h (runbook: freshness_sla_breached)`,
      metric: this.metric(
        ALERT_METRICS.freshnessLagHours,
        { [METRIC_DIMENSIONS.domain]: product.domain, [METRIC_DIMENSIONS.product]: product.product },
        'Maximum',
      ),
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: this.deployment.infra.alarms.evaluation_periods,
      // No data means the pipeline stopped publishing: that is an outage too, so page.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }

  private driftAlarm(domain: string): void {
    this.addAlarm(`Drift-${alarmIdPart(domain)}`, {
      alarmName: `${this.deployment.namePrefix}-grant-drift-${domain}`,
      alarmDescription: `Lake Formation grants of domain ${domain} differ from the declared state (runbook: grant_drift_detected)`,
      metric: this.metric(ALERT_METRICS.grantDriftCount, { [METRIC_DIMENSIONS.domain]: domain }, 'Maximum'),
      threshold: this.deployment.infra.alarms.drift_items_threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: this.deployment.infra.alarms.evaluation_periods,
      // The alert stage publishes a domain only when it has drift, so no data means none.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private piiNewReaderAlarm(): void {
    this.addAlarm('PiiNewReaders', {
      alarmName: `${this.deployment.namePrefix}-pii-new-readers`,
      alarmDescription: 'A principal read a PII table for the first time (runbook: pii_new_reader)',
      metric: this.metric(ALERT_METRICS.openAlerts, { [METRIC_DIMENSIONS.rule]: PII_NEW_READER_RULE }, 'Maximum'),
      threshold: this.deployment.infra.alarms.pii_new_readers_threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: this.deployment.infra.alarms.evaluation_periods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private dashboard(products: readonly ProductContract[]): void {
    const namespace = this.deployment.metricsNamespace;
    const period = Duration.minutes(this.deployment.infra.alarms.period_minutes);
    const search = (name: string, dimensions: string[]) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${namespace},${dimensions.join(',')}} MetricName="${name}"', 'Maximum', ${period.toSeconds()})`,
        label: '',
        period,
      });
    const board = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `${this.deployment.namePrefix}-oncall` });
    board.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'meshwatch alarms', alarms: this.alarms, width: 24 }),
      new cloudwatch.GraphWidget({
        title: `Freshness lag (hours), ${products.length} products`,
        left: [search(ALERT_METRICS.freshnessLagHours, ['Domain', 'Product'])],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Open grant drift',
        left: [search(ALERT_METRICS.grantDriftCount, ['Domain'])],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'PII reads (last day)',
        left: [search(ALERT_METRICS.piiReads, ['Domain', 'Product'])],
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Open alerts by rule', left: [search(ALERT_METRICS.openAlerts, ['Rule'])], width: 12 }),
      new cloudwatch.GraphWidget({
        title: 'Daily cost by domain (USD)',
        left: [search(ALERT_METRICS.dailyCostUsd, ['Domain'])],
        width: 24,
      }),
    );
  }
}

function domainsOf(deployment: Deployment): string[] {
  return [...new Set(deployment.accounts.map((account) => account.domain))].sort();
}

function alarmIdPart(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, '-');
}
