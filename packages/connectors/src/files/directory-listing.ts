import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { OpenAt } from './file-records.ts';

/** One file of a drop directory (or object under a prefix), identified by name, size and modification time. */
export interface DroppedFile {
  readonly name: string;
  /** Modification time in nanoseconds since the epoch, exact (fs.stat with `bigint`; S3's LastModified). */
  readonly mtimeNs: bigint;
  readonly size: bigint;
  readonly open: OpenAt;
}

/** `*` and `?` wildcards over a file name, nothing else: `orders-*.csv`. */
export function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Regular files matching `pattern`, in processing order: modification time, then name. */
export async function listDroppedFiles(directory: string, pattern: string): Promise<DroppedFile[]> {
  const matcher = patternToRegExp(pattern);
  const entries = await readdir(directory, { withFileTypes: true });
  const files: DroppedFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !matcher.test(entry.name) || entry.name.startsWith('.')) continue;
    const path = join(directory, entry.name);
    const info = await stat(path, { bigint: true });
    files.push({ name: entry.name, mtimeNs: info.mtimeNs, size: info.size, open: (start) => createReadStream(path, { start: Number(start) }) });
  }
  return files.sort(compareFilePositions);
}

/**
 * A file source's keyset is `[mtimeNs, name, size, offset]`: integers the filesystem reports
 * exactly, compared as BigInt, and a name compared by code unit. `offset` is the byte after the
 * last line of the batch, so a restart resumes mid-file without re-reading it.
 */
export type FilePosition = readonly [mtimeNs: bigint, name: string, size: bigint, offset: bigint];

export function positionOf(keyset: readonly string[]): FilePosition {
  return [BigInt(keyset[0]!), keyset[1]!, BigInt(keyset[2]!), BigInt(keyset[3]!)];
}

export function keysetOf(position: FilePosition): string[] {
  return [String(position[0]), position[1], String(position[2]), String(position[3])];
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareFilePositions(
  a: { readonly mtimeNs: bigint; readonly name: string; readonly size: bigint },
  b: { readonly mtimeNs: bigint; readonly name: string; readonly size: bigint },
): number {
  return compareBig(a.mtimeNs, b.mtimeNs) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || compareBig(a.size, b.size);
}

export function comparePositions(a: FilePosition, b: FilePosition): number {
  return (
    compareFilePositions({ mtimeNs: a[0], name: a[1], size: a[2] }, { mtimeNs: b[0], name: b[1], size: b[2] }) || compareBig(a[3], b[3])
  );
}
