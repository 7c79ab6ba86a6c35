/** UUIDv7: time-ordered ids keep append-only tables' indexes compact (design §10) and make "newest first" an id sort. */
import { randomFillSync } from 'node:crypto';

/** RFC 9562 method 1: a 12-bit counter in rand_a keeps ids from one process strictly increasing within a millisecond. */
let lastMs = 0;
let counter = 0;

/** Random bytes are drawn from a pool refilled 4 KiB at a time: one syscall per 256 ids, not one per id. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;
/** Reused for every id: uuidv7() is synchronous and turns it into a string before returning. */
const bytes = Buffer.alloc(16);

export function uuidv7(): string {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  pool.copy(bytes, 0, poolOffset, poolOffset + 16);
  poolOffset += 16;
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    counter = bytes.readUInt16BE(6) & 0x7ff; // random start, leaving headroom to count up
  } else {
    ms = lastMs; // the clock went back or stood still: stay on the last millisecond and count
    counter++;
    if (counter > 0xfff) {
      lastMs = ++ms; // 4,096 ids in one millisecond: borrow the next one
      counter = 0;
    }
  }
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | (counter >>> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
