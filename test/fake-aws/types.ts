/** The fake AWS service's public shapes: what it records and how faults are asked for. */

export interface RecordedRequest {
  readonly at: Date;
  /** SDK client name: lakeformation, glue, athena, cost-explorer, organizations, cloudtrail, sts, cloudwatch, sns, s3. */
  readonly service: string;
  readonly operation: string;
  /** The account the caller's credentials belong to (from the access key id the fake STS issued). */
  readonly account: string;
  readonly region: string;
  /** The request parameters as the API names them (JSON body, query form, or S3 Bucket/Key/query). */
  readonly params: Record<string, unknown>;
  readonly accessKeyId: string;
  readonly protocol: 'json' | 'rest-json' | 'query' | 'rest-xml';
  /** The HTTP status the fake answered with. */
  status: number;
  /** The injected fault that answered this request, if any. */
  fault?: FaultKind;
}

export type FaultKind = 'throttle' | 'server-error' | 'slow' | 'access-denied' | 'no-answer' | 'repeat-token' | 'truncated-body';

export interface Fault {
  /** Operation name (ListPermissions, GetObject...); every operation when absent. */
  readonly operation?: string;
  /**
   * throttle: the service's throttling error; server-error: HTTP 500; slow: answer after delayMs;
   * access-denied: a non-retryable AccessDenied; no-answer: read the request, never respond (the
   * connection stays open); repeat-token: the first page, with the same paging token every time;
   * truncated-body: the full Content-Length announced, half the body sent, then silence (the
   * connection stays open).
   */
  readonly kind: FaultKind;
  /** How many matching requests it affects (default 1; Infinity for always). */
  readonly count?: number;
  /** For slow: the delay before answering (default 1000 ms). */
  readonly delayMs?: number;
  /** Only requests made with this account's credentials. */
  readonly account?: string;
}

/** One datum of a CloudWatch PutMetricData call, as it arrived. */
export interface RecordedMetricDatum {
  readonly account: string;
  readonly region: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly value?: number;
  readonly values?: readonly number[];
  readonly counts?: readonly number[];
  readonly unit?: string;
  readonly timestamp?: Date;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly storageResolution?: number;
  readonly statisticValues?: Readonly<Record<string, number>>;
  /** The datum exactly as sent. */
  readonly raw: Record<string, unknown>;
}

/** One SNS Publish call, as it arrived. */
export interface RecordedSnsMessage {
  readonly account: string;
  readonly region: string;
  readonly topicArn?: string;
  readonly targetArn?: string;
  readonly subject?: string;
  readonly message: string;
  readonly messageStructure?: string;
  readonly messageAttributes: Readonly<Record<string, { readonly dataType: string; readonly value: string }>>;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
}

/** A custom answer for a JSON-protocol operation (e.g. CloudTrail LookupEvents), checked before the sample. */
export interface FakeResponder {
  readonly operation: string;
  readonly service?: string;
  readonly account?: string;
  /** The response body for these request parameters (paging is the responder's business). */
  answer(params: Record<string, unknown>, request: RecordedRequest): Record<string, unknown>;
}

export interface FakeAws {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  readonly metricData: RecordedMetricDatum[];
  readonly snsMessages: RecordedSnsMessage[];
  inject(fault: Fault): void;
  /** Answers an operation with a function instead of the recorded sample (JSON / REST-JSON APIs). */
  respond(responder: FakeResponder): void;
  /** Forgets recorded requests, metric data, messages, pending faults and responders. */
  reset(): void;
  /** Requests for one operation (and account), a shorthand for filtering `requests`. */
  requestsFor(operation: string, account?: string): RecordedRequest[];
  close(): Promise<void>;
}

export interface FakeAwsOptions {
  /** The sample root (holding api/manifest.json and cloudtrail/), or a folder holding manifest.json. Default: the repo's sample-logs. */
  readonly sampleDir?: string;
  /** Buckets served by S3: name → local folder. Default: org-trail → <sampleDir>/cloudtrail when it exists. */
  readonly buckets?: Record<string, string>;
  /**
   * Objects served besides the bucket folders (bucket → key → body): keys no file can have, such as
   * one with `..` segments, which real S3 stores as any other key.
   */
  readonly objects?: Record<string, Record<string, string | Uint8Array>>;
  /** Account for requests signed with keys that name none (default: the sample's management account). */
  readonly defaultAccount?: string;
}
