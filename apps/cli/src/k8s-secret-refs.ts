import { isMap, parseDocument } from 'yaml';
import { ConfigError, type ResolvedConfig } from '@syncfleet/core';

/**
 * The configuration as it goes into a ConfigMap: every connection URL (they carry passwords)
 * replaced by a `${NAME}` reference that the pod's environment fills from a Secret. A URL that
 * already is a reference keeps its variable's name; a literal one gets a name made from where
 * it stands (SYNCFLEET_ORDERS_SOURCE_URL). Comments and layout of the user's file survive.
 */
export interface SecretReferencedConfig {
  /** The YAML text for the ConfigMap: no credentials in it. */
  readonly text: string;
  /** The Secret keys the pods need, each becoming an environment variable of the same name. */
  readonly keys: readonly string[];
}

/** Fields that hold a connection URL, as paths below a pipeline. */
const PIPELINE_URL_FIELDS = [
  ['source', 'url'],
  ['destination', 'url'],
  ['destination', 'state'],
] as const;

const WHOLE_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}$/;

export function referenceSecrets(configText: string, config: ResolvedConfig): SecretReferencedConfig {
  const document = parseDocument(configText);
  if (document.errors.length > 0 || !isMap(document.contents)) {
    throw new ConfigError([`YAML: ${document.errors[0]?.message.split('\n')[0] ?? 'expected a mapping at the top'}`]);
  }
  const keys = new Set<string>();
  const reference = (path: readonly (string | number)[], generated: string) => {
    const raw = document.getIn(path);
    const name = (typeof raw === 'string' ? WHOLE_REFERENCE.exec(raw)?.[1] : undefined) ?? generated;
    document.setIn(path, `\${${name}}`);
    keys.add(name);
  };
  reference(['redis'], 'SYNCFLEET_REDIS_URL');
  config.pipelines.forEach((pipeline, index) => {
    for (const [end, field] of PIPELINE_URL_FIELDS) {
      const resolvedEnd: Record<string, unknown> = pipeline[end];
      if (typeof resolvedEnd[field] !== 'string') continue;
      reference(['pipelines', index, end, field], `SYNCFLEET_${envName(pipeline.name)}_${end.toUpperCase()}_${field.toUpperCase()}`);
    }
  });
  return { text: document.toString(), keys: [...keys] };
}

function envName(pipeline: string): string {
  return pipeline.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
