/**
 * Part 3: the DynamoDB requests one invocation sends, counted at the wire by the proxy in front
 * of DynamoDB Local. Each route gets its own handler instance pointed at the proxy: the first call
 * is its cold start (empty caches), the second the warm count the budget is about.
 */
import type { CountingProxy, Exchange } from './dynamo.js';
import { type Handler, invoke } from './handlers.js';
import type { Scenario } from './workload.js';

export interface RequestCount {
  scenario: Scenario;
  cold: string[];
  warm: string[];
  /** Why the route could not be counted (a call failed). */
  error?: string;
}

export async function countRequests(
  scenario: Scenario,
  handler: Handler,
  proxy: CountingProxy,
): Promise<RequestCount> {
  proxy.take();
  try {
    await invoke(handler, scenario.route, scenario.next());
    const cold = proxy.take();
    await invoke(handler, scenario.route, scenario.next());
    const warm = proxy.take();
    return { scenario, cold, warm };
  } catch (error) {
    return { scenario, cold: [], warm: proxy.take(), error: (error as Error).message };
  }
}

/** "3 (Query x3)" style summary of a request log. */
export function describeRequests(operations: string[]): string {
  if (operations.length === 0) return '0';
  const counts = new Map<string, number>();
  for (const op of operations) counts.set(op, (counts.get(op) ?? 0) + 1);
  const parts = [...counts].map(([op, n]) => (n > 1 ? `${op} x${n}` : op));
  return `${operations.length} (${parts.join(', ')})`;
}

/** A list route's requests at the wire next to its raw baseline's: the work each asks DynamoDB for. */
export interface WireComparison {
  scenario: Scenario;
  route: Exchange[];
  baseline: Exchange[];
  error?: string;
}

/** One warm call of the route and one raw baseline call, both through the proxy. */
export async function compareAtTheWire(
  scenario: Scenario,
  handler: Handler,
  raw: () => Promise<unknown>,
  proxy: CountingProxy,
): Promise<WireComparison> {
  try {
    await invoke(handler, scenario.route, scenario.next());
    proxy.takeExchanges();
    await invoke(handler, scenario.route, scenario.next());
    const route = proxy.takeExchanges();
    await raw();
    return { scenario, route, baseline: proxy.takeExchanges() };
  } catch (error) {
    return { scenario, route: proxy.takeExchanges(), baseline: [], error: (error as Error).message };
  }
}

/** "Query byPartnerStage: #pk = :pk AND begins_with(#sk, :lo), Limit 26 -> 26 items, 31.4 KB, more". */
export function describeExchange({ operation, request, count, scanned, bytes, more }: Exchange): string {
  const text = (key: string) => (typeof request[key] === 'string' ? (request[key] as string) : undefined);
  const parts = [
    text('IndexName') ?? 'table',
    text('KeyConditionExpression'),
    text('FilterExpression') && `filter ${text('FilterExpression')}`,
    text('ProjectionExpression') && `projection ${text('ProjectionExpression')}`,
    request.Limit !== undefined && `Limit ${String(request.Limit)}`,
    request.ScanIndexForward === false && 'descending',
    request.ExclusiveStartKey !== undefined && 'from ExclusiveStartKey',
  ].filter(Boolean);
  const read =
    count === undefined
      ? ''
      : ` -> ${count} items${scanned !== undefined && scanned !== count ? ` of ${scanned} read` : ''}`;
  return `${operation} ${parts.join(', ')}${read}, ${(bytes / 1024).toFixed(1)} KiB${more ? ', more' : ''}`;
}
