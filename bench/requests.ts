/**
 * Part 3: the DynamoDB requests one invocation sends, counted at the wire by the proxy in front
 * of DynamoDB Local. Each route gets its own handler instance pointed at the proxy: the first call
 * is its cold start (empty caches), the second the warm count the budget is about.
 */
import type { CountingProxy } from './dynamo.js';
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
