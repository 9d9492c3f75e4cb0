import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './errors.ts';
import { configSchema, type ResolvedConfig } from './config-schema.ts';
import { interpolateEnv } from './config-interpolate.ts';

/**
 * Turns YAML text into a resolved configuration, or throws a ConfigError listing every problem
 * as `path: message`. Pure: the caller reads the file and hands over the environment.
 */
export function parseConfig(text: string, env: Readonly<Record<string, string | undefined>>): ResolvedConfig {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(document.errors.map((error) => `YAML: ${error.message.split('\n')[0]}`));
  }
  const raw: unknown = document.toJS();
  const problems: string[] = [];
  const interpolated = interpolateEnv(raw, env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const result = configSchema.safeParse(interpolated ?? {});
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues));
  return result.data;
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`);
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
