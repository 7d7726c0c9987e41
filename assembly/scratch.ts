// The hand-off area between JavaScript and the core. It starts at the heap base and grows with
// memory.grow on demand; nothing in the core allocates, so the runtime is the `stub` one and no
// call pays for a collector. Layout: OUT_SIZE bytes of results, then the input bytes.

export const OUT_SIZE: usize = 64;

// @ts-ignore: decorator
@inline export function scratchBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** Where results are written (inet_pton's bytes, inet_ntop's text). */
export function scratch(): usize {
  return scratchBase();
}

/** Makes room for `n` input bytes after the result area; 0 on success, -ENOMEM (-12) if not. */
export function reserve(n: u32): i32 {
  const end = scratchBase() + OUT_SIZE + <usize>n;
  const have = <usize>memory.size() << 16;
  if (end <= have) return 0;
  const pages = <i32>((end - have + 0xffff) >> 16);
  return memory.grow(pages) < 0 ? -12 : 0;
}
