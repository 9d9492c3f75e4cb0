import { readFile } from 'node:fs/promises';
import { ConfigError, parseConfig, type ResolvedConfig, type ResolvedPipeline } from '@syncfleet/core';

export async function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      [
        code === 'ENOENT'
          ? `${path}: no such file — pass --config <file>, or create syncfleet.yaml (see examples/)`
          : `${path}: cannot read (${code ?? 'error'})`,
      ],
      'CONFIG_NOT_FOUND',
    );
  }
  const problems = (error: ConfigError) => error.problems.map((problem) => `${path}: ${problem}`);
  try {
    return parseConfig(text, env);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(problems(error), error.code as 'CONFIG_INVALID');
    throw error;
  }
}

/** The pipelines a command works on: all, or the one named by `--pipeline`. */
export function selectPipelines(config: ResolvedConfig, name: string | undefined): ResolvedPipeline[] {
  if (name === undefined) return config.pipelines;
  const found = config.pipelines.filter((pipeline) => pipeline.name === name);
  if (found.length === 0) {
    throw new ConfigError([`--pipeline ${name}: no such pipeline — the config defines ${config.pipelines.map((p) => p.name).join(', ')}`]);
  }
  return found;
}
