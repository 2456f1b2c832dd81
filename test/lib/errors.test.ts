import { describe, expect, it } from 'vitest';
import { CollectorError, ConfigError, describeError, exitCodeFor, UsageError } from '../../lib/errors.js';
import { createMemoryLogger, redact } from '../../lib/log.js';

describe('exitCodeFor', () => {
  it('maps user mistakes to 2 and run-time failures to 1', () => {
    expect(exitCodeFor(new ConfigError('x'))).toBe(2);
    expect(exitCodeFor(new UsageError('x'))).toBe(2);
    expect(exitCodeFor(new CollectorError('x'))).toBe(1);
    expect(exitCodeFor(new Error('x'))).toBe(1);
  });
});

describe('describeError', () => {
  it('shows the context, the fix and the chain of causes', () => {
    const error = new CollectorError('cannot list the bucket', {
      cause: new Error('AccessDenied'),
      context: { account: '111122223333', region: 'us-east-1', source: 'cloudtrail' },
      hint: 'grant s3:ListBucket to the task role',
    });
    const text = describeError(error);
    expect(text).toContain('CollectorError: cannot list the bucket');
    expect(text).toContain('account=111122223333 region=us-east-1 source=cloudtrail');
    expect(text).toContain('fix: grant s3:ListBucket');
    expect(text).toContain('caused by: Error: AccessDenied');
  });
});

describe('redact', () => {
  it('never lets credentials or webhook secrets through the logger', () => {
    const logger = createMemoryLogger();
    logger.info('key AKIAIOSFODNN7EXAMPLE secretAccessKey=wJalrXUtnFEMI/K7MDENG token: abc.def');
    logger.info('posting to https://hooks.slack.com/services/T000/B000/XXXXSECRET');
    const text = logger.lines.join('\n');
    expect(text).not.toContain('IOSFODNN7EXAMPLE');
    expect(text).not.toContain('wJalrXUtnFEMI');
    expect(text).not.toContain('XXXXSECRET');
    expect(redact('nothing secret here')).toBe('nothing secret here');
  });
});
