import { Readable } from 'node:stream';
import type * as S3Sdk from '@aws-sdk/client-s3';
import { SyncfleetError, type S3SourceConfig } from '@syncfleet/core';
import type { SourceConnector } from '../connector.ts';
import { compareFilePositions, patternToRegExp, type DroppedFile } from '../files/directory-listing.ts';
import { createDropSource } from '../files/source.ts';
import { optionalDependency } from '../optional-dependency.ts';

const s3Sdk = optionalDependency<typeof S3Sdk>('@aws-sdk/client-s3', import.meta.url);

/**
 * Objects under an S3 prefix as a drop source (files/source.ts): each object is a unit of work
 * keyed by key, size and LastModified, read with ranged GETs from the byte after the last
 * committed batch. Every GET is pinned to the listed ETag, so an object replaced mid-read fails
 * the scan (412) instead of mixing two versions; the next scan lists the new one.
 */
export function createS3Source(config: S3SourceConfig): SourceConnector {
  const { GetObjectCommand, S3Client, paginateListObjectsV2 } = s3Sdk();
  const client = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials:
      config.accessKeyId !== undefined && config.secretAccessKey !== undefined
        ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
        : undefined,
  });
  const matcher = patternToRegExp(config.pattern);
  const list = async (): Promise<DroppedFile[]> => {
    const objects: DroppedFile[] = [];
    for await (const page of paginateListObjectsV2({ client }, { Bucket: config.bucket, Prefix: config.prefix })) {
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (key === undefined || key.endsWith('/') || object.LastModified === undefined) continue;
        if (!matcher.test(key.slice(config.prefix.length))) continue;
        const etag = object.ETag;
        objects.push({
          name: key,
          mtimeNs: BigInt(object.LastModified.getTime()) * 1_000_000n,
          size: BigInt(object.Size ?? 0),
          open: async (start) => {
            const response = await client.send(
              new GetObjectCommand({ Bucket: config.bucket, Key: key, IfMatch: etag, Range: start > 0n ? `bytes=${start}-` : undefined }),
            );
            if (!(response.Body instanceof Readable)) {
              throw new SyncfleetError('SOURCE_SCHEMA', `s3://${config.bucket}/${key} returned no readable body`);
            }
            return response.Body;
          },
        });
      }
    }
    return objects.sort(compareFilePositions);
  };
  const source = createDropSource('s3', list, config);
  return {
    ...source,
    close: async () => client.destroy(),
  };
}
