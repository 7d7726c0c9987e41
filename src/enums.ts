// CPython's socket enums (AddressFamily, SocketKind: IntEnum; MsgFlag, AddressInfo: IntFlag) as
// frozen two-way maps, shaped like TypeScript numeric enums: AddressFamily.AF_INET === 2 and
// AddressFamily[2] === "AF_INET". Results stay plain numbers (API.md); these only name them.

import * as tables from "./tables/enums_linux.js";

interface EnumTable {
  readonly members: readonly (readonly [string, number])[];
  readonly names: readonly (readonly [number, string])[];
}

/** Each member's name to its value, and each value to the name CPython's enum gives it. */
export type IntEnumMap<M extends EnumTable["members"]> =
  { readonly [E in M[number] as E[0]]: E[1] } & { readonly [value: number]: string };

function twoWay<T extends EnumTable>(table: T): IntEnumMap<T["members"]> {
  const map: Record<string, string | number> = {};
  for (const [name, value] of table.members) map[name] = value;
  // From the recorded names, not the members: an alias (AF_ROUTE = AF_NETLINK = 16) must not win.
  for (const [value, name] of table.names) map[value] = name;
  return Object.freeze(map) as IntEnumMap<T["members"]>;
}

export const AddressFamily = twoWay(tables.AddressFamily);
export const SocketKind = twoWay(tables.SocketKind);
export const MsgFlag = twoWay(tables.MsgFlag);
export const AddressInfo = twoWay(tables.AddressInfo);
