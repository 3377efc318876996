import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { indexes } from '../../functions/adapters/dynamodb/table-definition.js';
import { grantsOf } from '../function-grants.js';

/**
 * Grants `fn` exactly the table access lib/function-grants.ts lists for the function `name`: item
 * actions on the table ARN under `dynamodb:LeadingKeys`, and Query on each named index's own ARN (no
 * `index/*` wildcard). Nothing else on the table, ever.
 */
export function grantTableAccess(fn: IGrantable, name: string, table: ITable): void {
  const { items = [], queries = [] } = grantsOf(name).table;
  for (const grant of items) {
    fn.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...grant.actions],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.partitions] } },
      }),
    );
  }
  if (queries.length > 0) {
    fn.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: queries.map((index) => `${table.tableArn}/index/${indexes[index].name}`),
      }),
    );
  }
}
