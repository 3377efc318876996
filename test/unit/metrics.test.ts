/**
 * Counting as embedded metric format: one JSON line on stdout per count, in our namespace, with
 * the service and at most one closed-set dimension; and failed records logged by redacted keys.
 */
import { spawnSync } from 'node:child_process';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
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

  // functions/shared/metrics.ts writes the line Powertools Metrics' singleMetric() writes (README,
  // cold start): the same keys in the same order, only the time differs.
  it.each([
    ['with a dimension', 'LeadsAnswered', 1, { name: 'answer', value: 'accepted' }],
    ['without one', 'LeadsReceived', 1, undefined],
    ['with a count above one', 'EmailsQueued', 7, { name: 'kind', value: 'new-lead' }],
  ] as const)('writes the line Powertools writes, %s', (_, name, value, dimension) => {
    const powertools = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'partner-referrals' });
    const single = powertools.singleMetric();
    if (dimension) single.addDimension(dimension.name, dimension.value);
    single.addMetric(name, MetricUnit.Count, value);
    count(name, value, dimension);
    expect(lines).toHaveLength(2);
    const [theirs, ours] = lines.map((line) => line.replace(/"Timestamp":\d+/, '"Timestamp":0'));
    expect(ours).toBe(theirs);
  });

  it('publishes nothing for nothing', () => {
    count('LeadsExpired', 0, { name: 'path', value: 'reconciler' });
    expect(lines).toEqual([]);
  });
});

describe('count, turned off', () => {
  /** What a fresh process prints when it counts once with these variables (read at import). */
  function printed(env: Record<string, string>): string {
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "const { count } = await import('./functions/shared/metrics.ts'); count('LeadsReceived');",
      ],
      { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' },
    );
    if (child.status !== 0) throw new Error(child.stderr);
    return child.stdout;
  }

  it('by POWERTOOLS_DEV (npm start), unless POWERTOOLS_METRICS_DISABLED says otherwise, as Powertools decides', () => {
    expect(printed({})).toContain('"LeadsReceived":1');
    expect(printed({ POWERTOOLS_DEV: 'true' })).toBe('');
    expect(printed({ POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' })).toContain(
      '"LeadsReceived":1',
    );
    expect(printed({ POWERTOOLS_METRICS_DISABLED: 'Yes' })).toBe('');
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
