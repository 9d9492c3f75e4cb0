export * from './batch-worker.ts';
export * from './process-batch.ts';
export * from './batch-target.ts';
export * from './dead-letter-consumer.ts';
