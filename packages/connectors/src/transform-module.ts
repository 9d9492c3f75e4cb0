import { SyncfleetError, type TransformModule } from '@syncfleet/core';
import { importUserModule } from './module-connector.ts';

/**
 * Loads a pipeline's `transform:` module and checks its shape, so a typo fails the batch as a
 * configuration error (fatal, to the dead-letter queue) rather than as a row problem.
 */
export async function loadTransform(path: string): Promise<TransformModule> {
  const module = await importUserModule<Partial<TransformModule>>(path, 'transform module');
  if (!module.schema || typeof module.schema.safeParse !== 'function' || typeof module.map !== 'function') {
    throw new SyncfleetError('CONFIG_INVALID', `transform module ${path} must export \`schema\` (a zod schema) and \`map(raw)\``, {
      hint: 'export const schema = z.object({ … }); export function map(raw) { return { … } } — see examples/transforms/orders.ts',
    });
  }
  return module as TransformModule;
}
