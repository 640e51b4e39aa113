/** FNV-1a over the string's UTF-16 code units, finished with murmur3's fmix32 so sequential ids spread well. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A deterministic draw in [0, 1) from `text`. */
export function hashFraction(text: string): number {
  return hash32(text) / 4294967296;
}

/** The user-id hash bucket 0–99 that `bucket` rules match against. */
export function userBucket(userId: string): number {
  return hash32(userId) % 100;
}
