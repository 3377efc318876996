import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { consumerFilters } from '../../functions/stream/filters.js';
import { AppFunction } from './app-function.js';
import { acknowledgeListStreams, StreamConsumer } from './stream-consumer.js';
import { grantTableAccess } from './table-grants.js';

export interface InsightsConsumersProps {
  table: ITable;
  /** What every function of the stack gets (service name, table name, windows). */
  environment: Record<string, string>;
  alarmTopic: ITopic;
}

/**
 * The two stream consumers behind insights and partner search, each granted only the DynamoDB
 * actions its code sends, and only on the partitions it owns (lib/function-grants.ts):
 * - the aggregator counts lead changes: conditional Puts of COUNTED# markers and ADDs to STATS# and
 *   PLATFORM# months, in TransactWriteItems (authorised action by action);
 * - the search indexer reads STATS# months and SEARCH# cards (BatchGetItem), updates cards
 *   (UpdateItem) and rewrites SEARCH# index items (BatchWriteItem). Neither can read or write a lead.
 */
export class InsightsConsumers extends Construct {
  readonly aggregator: AppFunction;
  readonly searchIndexer: AppFunction;
  readonly consumers: { insightsAggregator: StreamConsumer; searchIndexer: StreamConsumer };

  constructor(scope: Construct, id: string, props: InsightsConsumersProps) {
    super(scope, id);
    this.aggregator = new AppFunction(this, 'Aggregator', {
      entry: 'functions/insights-aggregator/handler.ts',
      description: 'Stream: counts every lead change once in the insights month aggregates (SPEC 7.2).',
      timeout: Duration.seconds(60),
      environment: props.environment,
    });
    grantTableAccess(this.aggregator, 'insights-aggregator', props.table);

    this.searchIndexer = new AppFunction(this, 'SearchIndexer', {
      entry: 'functions/search-indexer/handler.ts',
      description:
        'Stream: keeps search cards and the partner search index from profiles and insights (SPEC 7.3).',
      timeout: Duration.seconds(60),
      environment: props.environment,
    });
    grantTableAccess(this.searchIndexer, 'search-indexer', props.table);

    this.consumers = {
      insightsAggregator: new StreamConsumer(this, 'AggregatorStream', {
        table: props.table,
        fn: this.aggregator,
        filters: consumerFilters.insightsAggregator,
        // A batch is counted in a few transactions of up to 100 actions: larger batches, fewer of them.
        batchSize: 200,
        alarmTopic: props.alarmTopic,
      }),
      searchIndexer: new StreamConsumer(this, 'SearchIndexerStream', {
        table: props.table,
        fn: this.searchIndexer,
        filters: consumerFilters.searchIndexer,
        alarmTopic: props.alarmTopic,
      }),
    };
    acknowledgeListStreams(this.aggregator);
    acknowledgeListStreams(this.searchIndexer);
  }
}
