// Raw webhook bodies in R2, keyed by delivery id, so a redelivery overwrites
// the same object with the same bytes.
export function storePayload(bucket: R2Bucket, key: string, rawBody: string): Promise<R2Object | null> {
  return bucket.put(key, rawBody, { httpMetadata: { contentType: "application/json" } });
}
