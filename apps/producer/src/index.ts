export * from './scan-pipeline.ts';
export * from './scheduler.ts';
export * from './recorded-scan.ts';
