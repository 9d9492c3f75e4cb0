export * from './scan-pipeline.ts';
export * from './scheduler.ts';
