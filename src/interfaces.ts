// socket.if_nameindex, if_nametoindex and if_indextoname (CPython Modules/socketmodule.c) over
// the host's list of network interfaces (Host.interfaces: /sys/class/net on Linux). Plain
// values on every facade, as in Python.

import { OSError, ValueError, fromErrno } from "./errors.js";
import { arity, asUnsignedLong, isInt, typeName } from "./pyargs.js";
import { fsDecode } from "./address.js";

const ENXIO = 6;

/** PyUnicode_FSConverter: a str, or bytes decoded as the file system's names are; no NUL. */
function fsName(v: unknown): string {
  let name: string;
  if (typeof v === "string") name = v;
  else if (v instanceof Uint8Array) name = fsDecode(v);
  else throw new TypeError(`expected str, bytes or os.PathLike object, not ${typeName(v)}`);
  if (name.includes("\0")) throw new ValueError("embedded null byte");
  return name;
}

/** The three functions over `list`, the host's [name, index] pairs in index order. */
export function interfaceFunctions(list: () => Array<[string, number]>) {
  return {
    /** [[index, name], ...] of every interface. */
    if_nameindex(...args: unknown[]): Array<[number, string]> {
      if (args.length > 0) throw new TypeError(`_socket.if_nameindex() takes no arguments (${args.length} given)`);
      return list().map(([name, index]): [number, string] => [index, name]);
    },

    /** The index of interface `name`; OSError (no errno) when there is none. */
    if_nametoindex(...args: unknown[]): number {
      arity("if_nametoindex", 1, args.length);
      const name = fsName(args[0]);
      const found = list().find(([n]) => n === name);
      if (found === undefined) throw new OSError("no interface with this name");
      return found[1];
    },

    /** The name of interface `index`: an unsigned long, cut to if_indextoname's unsigned int. */
    if_indextoname(...args: unknown[]): string {
      if (args.length !== 1) throw new TypeError(`_socket.if_indextoname() takes exactly one argument (${args.length} given)`);
      const v = args[0];
      if (!isInt(v)) throw new TypeError("an integer is required");
      const index = Number(BigInt.asUintN(32, BigInt(asUnsignedLong(v))));
      const found = list().find(([, i]) => i === index);
      if (found === undefined) throw fromErrno(ENXIO);
      return found[0];
    },
  };
}
