// PADMÉ length padding (Nikitin et al., PETS 2019, algorithm 1), mirroring
// casebook/crypto/padding.py: a length L >= 2 is rounded up to a multiple of 2^(E - S) with
// E = floor(log2 L) and S = floor(log2 E) + 1. Exact integer arithmetic (BigInt inside, since
// `&` on Numbers is 32-bit); lengths are Numbers below 2^53.

export function padme(length) {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError("a length is a non-negative integer below 2^53");
  }
  const L = BigInt(length);
  if (L < 2n) return length;
  const E = BigInt(L.toString(2).length - 1);
  const S = BigInt(E.toString(2).length);
  const mask = (1n << (E - S)) - 1n;
  return Number((L + mask) & ~mask);
}
