/**
 * Least privilege (SPEC §11), proved on the synthesised stack: every function's role holds exactly
 * the actions lib/function-grants.ts lists for it, table actions only under their partitions or on
 * the named indexes, and nothing anywhere can Scan, or delete a lead. Synthesised without bundling
 * (the functions' code does not change a grant), so this file stays quick.
 */
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { indexes } from '../../functions/adapters/dynamodb/table-definition.js';
import { routeList } from '../../functions/http/routes.js';
import { functionGrants, grantsOf } from '../../lib/function-grants.js';
import { definePartnerReferrals } from '../../lib/partner-referrals.js';
import type { StatelessStack } from '../../lib/stateless-stack.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
type Policy = { Properties: { Roles: unknown[]; PolicyDocument: { Statement: Statement[] } } };

let stateless: StatelessStack;
let stacks: Stack[];
let templates: Map<Stack, Template>;

beforeAll(() => {
  // No bundling: a grant never depends on the bundle, and esbuild for ~30 functions takes minutes.
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], alarmEmail: 'ops@partner-referrals.example' },
  });
  const system = definePartnerReferrals(app, { prefix: '' });
  stateless = system.stateless;
  stacks = [system.stateful, system.stateless, system.console];
  templates = new Map(stacks.map((stack) => [stack, Template.fromStack(stack)]));
}, 120_000);

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const template = () => templates.get(stateless)!;

/** The statements of every policy attached to a function's role. */
function statementsOf(fn: IFunction): Statement[] {
  const roleId = stateless.getLogicalId(fn.role!.node.defaultChild as CfnRole);
  const policies = Object.values(template().findResources('AWS::IAM::Policy')) as Policy[];
  return policies
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

/** Every function of the stateless stack by its folder name. */
function functionsByName(): Array<[string, IFunction]> {
  return [
    ...routeList.map((route): [string, IFunction] => [route.name, stateless.functions.get(route.name)!]),
    ['archiver', stateless.archiver],
    ['notifier', stateless.notifier],
    ['reconciler', stateless.reconciler],
    ['email-sender', stateless.emailSender],
    ['ses-events', stateless.sesEvents],
    ['insights-aggregator', stateless.insights.aggregator],
    ['search-indexer', stateless.insights.searchIndexer],
    ['webhook-events', stateless.webhooks.events],
    ['webhook-sender', stateless.webhooks.sender],
    ['sender-authorizer', stateless.senderAuthorizerFunction],
    ['no-route', stateless.noRouteFunction],
  ];
}

/** Writing its own log group, which every function does. */
const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
/** What a stream mapping's SQS on-failure destination grants its function. */
const ON_FAILURE = ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];

/** The actions the map allows a function: its table actions, its other actions, its logs. */
function allowed(name: string): string[] {
  const { table, other } = grantsOf(name);
  const streams = other.includes('dynamodb:GetRecords') ? ON_FAILURE : [];
  return [
    ...new Set([
      ...(table.items ?? []).flatMap((grant) => grant.actions),
      ...((table.queries ?? []).length > 0 ? ['dynamodb:Query'] : []),
      ...other,
      ...streams,
      ...LOGS,
    ]),
  ].sort();
}

describe('least privilege', () => {
  it('lists every function of the stack, and no function the stack lacks', () => {
    expect(
      functionsByName()
        .map(([name]) => name)
        .sort(),
    ).toEqual(Object.keys(functionGrants).sort());
  });

  it.each(Object.keys(functionGrants))('%s holds exactly the actions its entry lists', (name) => {
    const fn = functionsByName().find(([n]) => n === name)?.[1];
    if (!fn) throw new Error(`the stack has no function ${name}`);
    const held = [...new Set(statementsOf(fn).flatMap(actionsOf))].sort();
    expect(held).toEqual(allowed(name));
  });

  it('scopes every item action on the table to partitions, and Query on indexes to named ones', () => {
    for (const [name, fn] of functionsByName()) {
      for (const statement of statementsOf(fn)) {
        const resources = JSON.stringify(statement.Resource);
        const item =
          actionsOf(statement).some((a) => a.startsWith('dynamodb:')) && !resources.includes('Stream');
        if (!item || resources.includes('"*"')) continue;
        if (resources.includes('/index/')) {
          expect([name, actionsOf(statement)]).toEqual([name, ['dynamodb:Query']]);
          expect(resources).not.toContain('/index/*');
          const names = [...resources.matchAll(/\/index\/([A-Za-z]+)/g)].map((m) => m[1]);
          expect(names.sort()).toEqual(
            [...(grantsOf(name).table.queries ?? [])].map((i) => indexes[i].name).sort(),
          );
        } else {
          expect([name, statement.Condition]).toEqual([
            name,
            { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': expect.any(Array) } },
          ]);
        }
      }
    }
  });

  it('lets no HTTP function delete, batch-write or scan', () => {
    for (const route of routeList) {
      const held = statementsOf(stateless.functions.get(route.name)!).flatMap(actionsOf);
      for (const forbidden of [
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:Scan',
        'dynamodb:*',
      ]) {
        expect([route.name, held]).not.toEqual([route.name, expect.arrayContaining([forbidden])]);
      }
    }
  });

  it('lets nothing in any stack Scan, or DeleteItem on the table', () => {
    for (const stack of stacks) {
      const policies = [
        ...Object.values(templates.get(stack)!.findResources('AWS::IAM::Policy')),
        ...Object.values(templates.get(stack)!.findResources('AWS::IAM::ManagedPolicy')),
      ] as Policy[];
      const actions = policies.flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap(actionsOf));
      expect(actions.filter((a) => /^dynamodb:(Scan|DeleteItem|\*)$/.test(a) || a === '*')).toEqual([]);
    }
  });

  it('would notice a function that gains an action', () => {
    const extra = { Effect: 'Allow', Action: 'dynamodb:Scan', Resource: '*' };
    const held = [...new Set([...statementsOf(stateless.archiver), extra].flatMap(actionsOf))].sort();
    expect(held).not.toEqual(allowed('archiver'));
  });
});
