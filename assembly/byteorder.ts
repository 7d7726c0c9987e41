// Byte order as on Linux x86-64 (little-endian host): htonl/ntohl and htons/ntohs swap.
// Range checks are Python's and live in src/; these take the already-checked value.

export function htonl(x: u32): u32 {
  return bswap<u32>(x);
}

export function htons(x: u32): u32 {
  return <u32>bswap<u16>(<u16>x);
}
