import { describe, expect, it } from 'vitest';
import { SNS_SUBJECT_MAX, snsSubject } from '../../../../reports/alerts/destinations/sns.js';

describe('snsSubject', () => {
  it('keeps a short ASCII subject as it is', () => {
    expect(snsSubject('[ALERT] HIGH Data product past its freshness SLA: sales.orders')).toBe(
      '[ALERT] HIGH Data product past its freshness SLA: sales.orders',
    );
  });

  it('cuts a long subject to 100 characters, replaces non-ASCII characters and line breaks', () => {
    const long = `[ALERT] CRITICAL Lake Formation grant drifted: 344444444444|arn:aws:iam::344444444444:role/finance-adhoc-loader|data-location:arn:aws:s3:::bucket\n×2`;
    const subject = snsSubject(long);
    expect(subject).toHaveLength(SNS_SUBJECT_MAX);
    expect(subject.endsWith('...')).toBe(true);
    expect(snsSubject('cost 6.6× median\r\nnext')).toBe('cost 6.6? median next');
  });
});
