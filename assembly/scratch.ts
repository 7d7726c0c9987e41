// The hand-off area between JavaScript and the core. It starts at the heap base and grows with
// memory.grow on demand; nothing in the core allocates (tables are static data), so the runtime
// is the `stub` one and no call pays for a collector. Layout:
//   RESULT  [0, 128)    results (inet_pton bytes, inet_ntop text) and the sockaddr of a call
//   SA_OUT  [128, 256)  sockaddrs the core writes (getsockname, recvfrom, accept)
//   INPUT   [256, ...)  input text and data buffers

export const SA_OUT: usize = 128;
export const OUT_SIZE: usize = 256;

// @ts-ignore: decorator
@inline export function scratchBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** Where results are written. */
export function scratch(): usize {
  return scratchBase();
}

/** Where input is written. */
export function scratch_input(): usize {
  return scratchBase() + OUT_SIZE;
}

/** Makes room for `n` input bytes; 0 on success, -ENOMEM (-12) if not. */
export function reserve(n: u32): i32 {
  const end = scratchBase() + OUT_SIZE + <usize>n;
  const have = <usize>memory.size() << 16;
  if (end <= have) return 0;
  const pages = <i32>((end - have + 0xffff) >> 16);
  return memory.grow(pages) < 0 ? -12 : 0;
}
