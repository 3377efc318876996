/**
 * The fair-use gate of the HTTP functions: limits from the environment (defaults.ts), counters in
 * the table, leased by this container. Built at the cold start of a function that serves an authenticated route.
 */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { documentClient } from '../adapters/dynamodb/client.js';
import { DynamoFairUseCounter } from '../adapters/dynamodb/fair-use-counter.js';
import { FairUseLeases, type FairUseLimits, parseFairUseLimits } from '../domain/fair-use.js';
import { setting } from './config.js';

export interface FairUseGate {
  limits: FairUseLimits;
  /** This container's leases on the clients' windows in the table. */
  counter: FairUseLeases;
  now: () => number;
}

let gate: FairUseGate | undefined;

/** The process's one gate, built on first use from the environment; throws on a malformed limit. */
export function fairUseGate(): FairUseGate {
  gate ??= {
    limits: parseFairUseLimits({
      window: setting('FAIR_USE_WINDOW'),
      sender: setting('FAIR_USE_SENDER_LIMIT'),
      partner: setting('FAIR_USE_PARTNER_LIMIT'),
      overrides: setting('FAIR_USE_OVERRIDES'),
    }),
    counter: new FairUseLeases(
      new DynamoFairUseCounter(
        documentClient,
        getStringFromEnv({ key: 'TABLE_NAME', errorMessage: 'TABLE_NAME is not set' }),
      ),
    ),
    now: Date.now,
  };
  return gate;
}
