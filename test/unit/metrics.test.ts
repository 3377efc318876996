/**
 * Counting as embedded metric format: one JSON line on stdout per count, in our namespace, with
 * the service and at most one closed-set dimension; and failed records logged by redacted keys.
 */
import { jest } from '@jest/globals';
import type { DynamoDBRecord } from 'aws-lambda';
import { METRICS_NAMESPACE } from '../../functions/shared/metric-names.js';
import { count } from '../../functions/shared/metrics.js';
import { loggableKey, recordKeys } from '../../functions/stream/records.js';

describe('count', () => {
  let lines: string[];
  let spy: jest.SpiedFunction<typeof process.stdout.write>;
  beforeEach(() => {
    lines = [];
    spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
  });
  afterEach(() => spy.mockRestore());

  it('publishes one EMF line at once, with the service and the dimension', () => {
    count('LeadsExpired', 3, { name: 'path', value: 'reconciler' });
    expect(lines).toHaveLength(1);
    const emf = JSON.parse(lines[0]!);
    expect(emf).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [['service', 'path']],
            Metrics: [{ Name: 'LeadsExpired', Unit: 'Count' }],
          },
        ],
      },
      service: expect.any(String),
      path: 'reconciler',
      LeadsExpired: 3,
    });
  });

  it('publishes nothing for nothing', () => {
    count('LeadsExpired', 0, { name: 'path', value: 'reconciler' });
    expect(lines).toEqual([]);
  });
});

describe('record keys in logs', () => {
  it('replaces an email address in a key, keeps ids', () => {
    expect(loggableKey('CONTACT#ana@fabrikam.example')).toBe('CONTACT#<address>');
    expect(loggableKey('SUPPRESSED#ana@fabrikam.example')).toBe('SUPPRESSED#<address>');
    expect(loggableKey('LEAD#01J0000000000000000000000A')).toBe('LEAD#01J0000000000000000000000A');
  });

  it('names a contact record without its address', () => {
    const record: DynamoDBRecord = {
      eventID: 'e1',
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: '42',
        Keys: { pk: { S: 'PARTNER#contoso' }, sk: { S: 'CONTACT#ana@fabrikam.example' } },
      },
    };
    expect(JSON.stringify(recordKeys(record))).not.toContain('ana@');
  });
});
