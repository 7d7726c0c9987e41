// makefile()'s text layer: io.TextIOWrapper (Modules/_io/textio.c) with its
// IncrementalNewlineDecoder, over the codecs pysocket has (utf-8, ascii, latin-1) and Python's
// error handlers. It reads and writes through a buffered file of src/makefile.ts.

import {
  LookupError, UnicodeDecodeError, UnicodeEncodeError, UnsupportedOperation, pyRepr,
} from "./errors.js";
import { argTypeName } from "./pyargs.js";
import {
  type Ret, type Lane, CHUNK_SIZE, LF, CR, sizeOrNone, ssize, atMostOne, noArgs, exactlyOne, concat, cpLen,
  cpAdvance, none, FileBase, type TextBuffer,
} from "./iobase.js";
import type { Op } from "./sockcall.js";

// Codecs: utf-8, ascii and latin-1, with Python's error handlers.

type CodecName = "utf-8" | "ascii" | "latin-1";

/** The modules of the encodings package that pysocket has, and encodings.aliases' names for them. */
const MODULES = new Map<string, CodecName>([["utf_8", "utf-8"], ["ascii", "ascii"], ["latin_1", "latin-1"]]);
const ALIASES = new Map<string, CodecName>();
for (const [codec, names] of [
  ["utf-8", "cp65001 u8 utf utf8 utf8_ucs2 utf8_ucs4"],
  ["ascii", "646 ansi_x3.4_1968 ansi_x3.4_1986 ansi_x3_4_1968 cp367 csascii ibm367 iso646_us iso_646.irv_1991 iso_ir_6 us us_ascii"],
  ["latin-1", "8859 cp819 csisolatin1 ibm819 iso8859 iso8859_1 iso_8859_1 iso_8859_1_1987 iso_ir_100 l1 latin latin1"],
] as const) {
  for (const name of names.split(" ")) ALIASES.set(name, codec);
}

/** codecs.lookup for the codecs pysocket has: _Py_normalize_encoding (ASCII letters and digits
 * and '.' kept, lowercased, any other run a single '_'), then encodings.search_function: the
 * alias table, where a '.' may also stand for '_', else a module of that very name. */
function lookupCodec(encoding: string): CodecName {
  let norm = "";
  let punct = false;
  for (const ch of encoding) {
    if (/^[A-Za-z0-9.]$/.test(ch)) {
      if (punct && norm) norm += "_";
      punct = false;
      norm += ch.toLowerCase();
    } else {
      punct = true;
    }
  }
  const codec = ALIASES.get(norm) ?? ALIASES.get(norm.replace(/\./g, "_")) ?? MODULES.get(norm);
  if (!codec) throw new LookupError(`unknown encoding: ${encoding}`);
  return codec;
}

const KNOWN_HANDLERS = new Set([
  "strict", "ignore", "replace", "backslashreplace", "surrogateescape", "surrogatepass",
  "xmlcharrefreplace",
]);

function checkHandler(errors: string): void {
  if (!KNOWN_HANDLERS.has(errors)) throw new LookupError(`unknown error handler name '${errors}'`);
}

function hexEscape(c: number): string {
  if (c < 0x100) return "\\x" + c.toString(16).padStart(2, "0");
  if (c < 0x10000) return "\\u" + c.toString(16).padStart(4, "0");
  return "\\U" + c.toString(16).padStart(8, "0");
}

const utf8Text = new TextDecoder("utf-8", { ignoreBOM: true });

function latin1Text(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

/**
 * One decode call of a codec (the C decoders with their error handler fast paths). A handler
 * without a fast path (surrogatepass here) gets an exception object that later errors of the same
 * call reuse, so a later strict failure shows its own position in str() but the first error's
 * args, as CPython's does.
 */
function decodeBytes(codec: CodecName, errors: string, data: Uint8Array, final: boolean): [string, number] {
  let out = "";
  let runStart = 0;
  let firstArgs: unknown[] | null = null;
  const text = (to: number) => {
    if (to > runStart) out += codec === "utf-8" ? utf8Text.decode(data.subarray(runStart, to)) : latin1Text(data.subarray(runStart, to));
  };
  /** The error handler for data[start:end); returns where decoding resumes. */
  const fail = (start: number, end: number, reason: string): number => {
    text(start);
    const raise = (): never => {
      const exc = new UnicodeDecodeError(codec, data, start, end, reason);
      if (firstArgs) (exc as unknown as { args: unknown[] }).args = firstArgs;
      throw exc;
    };
    switch (errors) {
      case "strict": return raise();
      case "ignore": break;
      case "replace": out += "\ufffd"; break;
      case "backslashreplace":
        for (let k = start; k < end; k++) out += hexEscape(data[k]);
        break;
      case "surrogateescape":
        for (let k = start; k < end; k++) out += String.fromCharCode(0xdc00 + data[k]);
        break;
      case "surrogatepass": {
        firstArgs ??= [codec, data, start, end, reason];
        const [b0, b1, b2] = [data[start], data[start + 1], data[start + 2]];
        const c = ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
        if (codec !== "utf-8" || start + 3 > data.length || (b0 & 0xf0) !== 0xe0 || (b1 & 0xc0) !== 0x80
          || (b2 & 0xc0) !== 0x80 || c < 0xd800 || c > 0xdfff) raise();
        out += String.fromCharCode(c);
        runStart = start + 3;
        return start + 3;
      }
      case "xmlcharrefreplace":
        throw new TypeError("don't know how to handle UnicodeDecodeError in error callback");
      default: checkHandler(errors);
    }
    runStart = end;
    return end;
  };
  let i = 0;
  const n = data.length;
  if (codec === "latin-1") return [latin1Text(data), n];
  if (codec === "ascii") {
    while (i < n) {
      if (data[i] < 0x80) i++;
      else i = fail(i, i + 1, "ordinal not in range(128)");
    }
    text(n);
    return [out, n];
  }
  // UTF-8, reporting each maximal invalid subpart as Objects/stringlib/codecs.h does.
  while (i < n) {
    const b = data[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else {
      i = fail(i, i + 1, "invalid start byte");
      continue;
    }
    let k = 1;
    for (; k <= need && i + k < n; k++) {
      const c = data[i + k];
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) break;
    }
    if (k > need) i += k;
    else if (i + k < n) i = fail(i, i + k, "invalid continuation byte");
    else if (!final) {
      // An incomplete sequence at the end waits for the next chunk.
      text(i);
      return [out, i];
    } else i = fail(i, n, "unexpected end of data");
  }
  text(n);
  return [out, n];
}

/** One encode call: the C encoders' runs of unencodable characters and error handlers. */
function encodeText(codec: CodecName, errors: string, text: string): Uint8Array {
  if (/^[\x00-\x7f]*$/.test(text)) {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  const cps = Array.from(text, (ch) => ch.codePointAt(0)!);
  const limit = codec === "ascii" ? 0x80 : codec === "latin-1" ? 0x100 : 0;
  const bad = (c: number) => (limit ? c >= limit : c >= 0xd800 && c <= 0xdfff);
  const reason = codec === "utf-8" ? "surrogates not allowed" : `ordinal not in range(${limit})`;
  const bytes: number[] = [];
  const put = (c: number) => {
    if (c < 0x80 || codec !== "utf-8") bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  };
  const ascii = (s: string) => {
    for (let k = 0; k < s.length; k++) bytes.push(s.charCodeAt(k));
  };
  for (let i = 0; i < cps.length;) {
    if (!bad(cps[i])) {
      put(cps[i++]);
      continue;
    }
    let end = i + 1;
    while (end < cps.length && bad(cps[end])) end++;
    const raise = (from: number): never => {
      throw new UnicodeEncodeError(codec, text, from, end, reason);
    };
    switch (errors) {
      case "strict": raise(i); break;
      case "ignore": break;
      case "replace": ascii("?".repeat(end - i)); break;
      case "backslashreplace":
        for (let k = i; k < end; k++) ascii(hexEscape(cps[k]));
        break;
      case "xmlcharrefreplace":
        for (let k = i; k < end; k++) ascii(`&#${cps[k]};`);
        break;
      case "surrogateescape": {
        let k = i;
        for (; k < end && cps[k] >= 0xdc80 && cps[k] <= 0xdcff; k++) bytes.push(cps[k] - 0xdc00);
        if (k < end) raise(k);
        break;
      }
      case "surrogatepass":
        if (codec !== "utf-8") raise(i);
        for (let k = i; k < end; k++) put(cps[k]);
        break;
      default: checkHandler(errors);
    }
    i = end;
  }
  return Uint8Array.from(bytes);
}

/** An incremental decoder: utf-8's keeps an incomplete sequence for the next call
 * (codecs.BufferedIncrementalDecoder); ascii's and latin-1's keep nothing. */
class Decoder {
  private pending = new Uint8Array(0);

  constructor(readonly codec: CodecName, readonly errors: string) {}

  decode(input: Uint8Array | null, final: boolean): string {
    if (input === null) {
      throw new TypeError(this.codec === "utf-8" ? "can't concat NoneType to bytes" : "a bytes-like object is required, not 'NoneType'");
    }
    const data = this.pending.length ? concat([this.pending, input]) : input;
    const [text, consumed] = decodeBytes(this.codec, this.errors, data, final);
    this.pending = data.slice(consumed);
    return text;
  }

  reset(): void {
    this.pending = new Uint8Array(0);
  }
}

const SEEN_CR = 1;
const SEEN_LF = 2;
const SEEN_CRLF = 4;
const SEEN_ALL = SEEN_CR | SEEN_LF | SEEN_CRLF;
const NEWLINES: Record<number, string | string[]> = {
  [SEEN_CR]: "\r", [SEEN_LF]: "\n", [SEEN_CRLF]: "\r\n", [SEEN_CR | SEEN_LF]: ["\r", "\n"],
  [SEEN_CR | SEEN_CRLF]: ["\r", "\r\n"], [SEEN_LF | SEEN_CRLF]: ["\n", "\r\n"],
  [SEEN_ALL]: ["\r", "\n", "\r\n"],
};

/** textio.c's IncrementalNewlineDecoder: holds back a final '\r' until the next call so that a
 * "\r\n" is never split, records the newlines seen, and translates them when asked. */
class NewlineDecoder {
  private pendingcr = false;
  private seennl = 0;

  constructor(readonly decoder: Decoder, readonly translate: boolean) {}

  get newlines(): string | string[] | null {
    return NEWLINES[this.seennl] ?? null;
  }

  decode(input: Uint8Array | null, final: boolean): string {
    let output = this.decoder.decode(input, final);
    if (this.pendingcr && (final || output.length > 0)) {
      output = "\r" + output;
      this.pendingcr = false;
    }
    if (!final && output.length > 0 && output.charCodeAt(output.length - 1) === CR) {
      output = output.slice(0, -1);
      this.pendingcr = true;
    }
    if (output.length === 0) return output;
    let seennl = this.seennl;
    if ((seennl === SEEN_LF || seennl === 0) && !output.includes("\r")) {
      if (seennl === 0 && output.includes("\n")) seennl |= SEEN_LF;
    } else if (!this.translate) {
      for (let i = 0; i < output.length && seennl !== SEEN_ALL; i++) {
        const c = output.charCodeAt(i);
        if (c === LF) seennl |= SEEN_LF;
        else if (c === CR) {
          if (output.charCodeAt(i + 1) === LF) {
            seennl |= SEEN_CRLF;
            i++;
          } else seennl |= SEEN_CR;
        }
      }
    } else {
      output = output.replace(/\r\n?|\n/g, (nl) => {
        seennl |= nl === "\n" ? SEEN_LF : nl === "\r" ? SEEN_CR : SEEN_CRLF;
        return "\n";
      });
    }
    this.seennl |= seennl;
    return output;
  }

  reset(): void {
    this.seennl = 0;
    this.pendingcr = false;
    this.decoder.reset();
  }
}

/** io.TextIOWrapper over a buffered socket file (textio.c; the stream never seeks). */
export class TextIOWrapper<A extends boolean> extends FileBase<A, string> {
  /** @internal */ readonly _buffer: TextBuffer<A>;
  /** @internal */ readonly _readLane: Lane;
  /** @internal */ readonly _writeLane: Lane;
  /** @internal */ readonly _type = "TextIOWrapper";
  /** The mode given to makefile(), as socket.py sets it. */
  mode: unknown;
  readonly encoding: string;
  readonly errors: string;
  readonly line_buffering = false;
  readonly write_through = false;
  private readonly codec: CodecName;
  private readonly decoder: NewlineDecoder | Decoder | null;
  private readonly canWrite: boolean;
  private readonly readtranslate: boolean;
  private readonly readuniversal: boolean;
  private readonly readnl: string | null;
  /** What '\n' becomes on write, or null for no translation. */
  private readonly writenl: string | null;
  private decodedChars: string | null = null;
  /** UTF-16 index of the first decoded character not yet returned. */
  private decodedUsed = 0;
  private pending: Uint8Array[] = [];
  private pendingCount = 0;
  /** Bytes per character of the last chunk, to size the next read. */
  private b2cratio = 0;

  /** @internal Arguments already checked by makefile(), in TextIOWrapper.__init__'s order. */
  constructor(buffer: TextBuffer<A>, mode: unknown, encoding: string, errors: string, newline: string | null) {
    super(buffer._owner);
    this._buffer = buffer;
    this._readLane = buffer._readLane;
    this._writeLane = buffer._writeLane;
    this.mode = mode;
    this.encoding = encoding;
    this.errors = errors;
    this.codec = lookupCodec(encoding);
    this.readuniversal = newline === null || newline === "";
    this.readtranslate = newline === null;
    this.readnl = newline;
    this.writenl = !this.readuniversal && newline !== "\n" ? newline : null;
    const decoder = buffer.readable() ? new Decoder(this.codec, errors) : null;
    this.decoder = decoder && this.readuniversal ? new NewlineDecoder(decoder, this.readtranslate) : decoder;
    this.canWrite = buffer.writable();
  }

  get buffer(): TextBuffer<A> {
    return this._buffer;
  }

  get closed(): boolean {
    return this._buffer.closed;
  }

  /** The buffer's name; a BufferedRWPair has none (undefined, where Python raises AttributeError). */
  get name(): number | undefined {
    return this._buffer.name;
  }

  /** textiowrapper_repr: name and mode where there are, then the encoding. */
  toString(): string {
    const name = this.name === undefined ? "" : ` name=${pyRepr(this.name)}`;
    const mode = this.mode === undefined ? "" : ` mode=${pyRepr(this.mode)}`;
    return `<_io.TextIOWrapper${name}${mode} encoding=${pyRepr(this.encoding)}>`;
  }

  get newlines(): string | string[] | null {
    return this.decoder instanceof NewlineDecoder ? this.decoder.newlines : null;
  }

  fileno(): number {
    noArgs("TextIOWrapper.fileno", arguments.length);
    return this._buffer.fileno();
  }

  readable(): boolean {
    noArgs("TextIOWrapper.readable", arguments.length);
    return this._buffer.readable();
  }

  writable(): boolean {
    noArgs("TextIOWrapper.writable", arguments.length);
    return this._buffer.writable();
  }

  seekable(): boolean {
    noArgs("TextIOWrapper.seekable", arguments.length);
    return this._buffer.seekable();
  }

  isatty(): boolean {
    noArgs("TextIOWrapper.isatty", arguments.length);
    return this._buffer.isatty();
  }

  /** @internal A read first hands pending text to the buffer's writer: that part runs in the
   * write lane, so that it never overlaps a write still waiting there. */
  _runRead<T>(op: () => Op<T>): Ret<A, T> {
    if (this.pendingCount === 0 || this.decoder === null || this.closed) return this._run(this._readLane, op);
    const flushed = this._run(this._writeLane, () => this._writeflushOp());
    return (flushed instanceof Promise
      ? flushed.then(() => this._run(this._readLane, op))
      : this._run(this._readLane, op)) as Ret<A, T>;
  }

  private decode(input: Uint8Array | null, final: boolean): string {
    return this.decoder!.decode(input, final);
  }

  private setDecodedChars(chars: string | null): void {
    this.decodedChars = chars;
    this.decodedUsed = 0;
  }

  /** The next n characters (all for n < 0) of the decoded chunk. */
  private getDecodedChars(n: number): string {
    if (this.decodedChars === null) return "";
    const from = this.decodedUsed;
    const to = n < 0 ? this.decodedChars.length : cpAdvance(this.decodedChars, from, n);
    this.decodedUsed = to;
    return this.decodedChars.slice(from, to);
  }

  /** textiowrapper_read_chunk: read1 of a chunk and decode it; false at EOF. */
  private *readChunk(sizeHint: number): Op<boolean> {
    if (this.decoder === null) throw new UnsupportedOperation("not readable");
    if (sizeHint > 0) sizeHint = Math.trunc(Math.max(this.b2cratio, 1) * sizeHint);
    const input = yield* this._buffer._read1Op(Math.max(CHUNK_SIZE, sizeHint));
    const eof = input.length === 0;
    const decoded = this.decode(input, eof);
    this.setDecodedChars(decoded);
    const nchars = cpLen(decoded);
    this.b2cratio = nchars > 0 ? input.length / nchars : 0;
    return !eof || nchars > 0;
  }

  /** @internal _textiowrapper_writeflush: the pending bytes to the buffer, in one write. */
  *_writeflushOp(): Op<void> {
    if (this.pending.length === 0) return;
    const b = concat(this.pending);
    this.pending = [];
    this.pendingCount = 0;
    yield* this._buffer._writeOp(b);
  }

  /** read(size=-1): size characters, or everything until EOF. */
  read(size?: number | null): Ret<A, string> {
    atMostOne("read", arguments.length);
    const n = sizeOrNone(size);
    return this._runRead(() => this._readOp(n));
  }

  private *_readOp(n: number): Op<string> {
    this._checkClosed();
    if (this.decoder === null) throw new UnsupportedOperation("not readable");
    yield* this._writeflushOp();
    if (n < 0) {
      const bytes = yield* this._buffer._readOp(-1);
      const decoded = this.decode(bytes, true);
      const result = this.getDecodedChars(-1) + decoded;
      this.setDecodedChars(null);
      return result;
    }
    let result = this.getDecodedChars(n);
    let remaining = n - cpLen(result);
    const chunks: string[] = [];
    while (remaining > 0) {
      if (!(yield* this.readChunk(remaining))) break;
      if (result.length > 0) chunks.push(result);
      result = this.getDecodedChars(remaining);
      remaining -= cpLen(result);
    }
    if (chunks.length) {
      chunks.push(result);
      result = chunks.join("");
    }
    return result;
  }

  /** readline(size=-1). */
  readline(size?: number): Ret<A, string> {
    atMostOne("readline", arguments.length);
    const limit = size === undefined ? -1 : ssize(size);
    return this._runRead(() => this._readlineOp(limit));
  }

  /** Where the line ending at or after `start` ends, or -1 and how much can be put aside. */
  private findLineEnding(line: string, start: number): [number, number] {
    if (this.readtranslate) {
      const at = line.indexOf("\n", start);
      return at >= 0 ? [at + 1, 0] : [-1, line.length];
    }
    if (this.readuniversal) {
      for (let i = start; i < line.length; i++) {
        const c = line.charCodeAt(i);
        if (c === LF) return [i + 1, 0];
        if (c === CR) return [line.charCodeAt(i + 1) === LF ? i + 2 : i + 1, 0];
      }
      return [-1, line.length];
    }
    const nl = this.readnl!;
    const at = line.indexOf(nl, start);
    if (at >= 0) return [at + nl.length, 0];
    // A '\r' at the very end may begin a "\r\n" the next chunk completes.
    return [-1, nl.length === 2 && line.length > start && line.endsWith("\r") ? line.length - 1 : line.length];
  }

  /** @internal _textiowrapper_readline. */
  *_readlineOp(limit: number): Op<string> {
    this._checkClosed();
    yield* this._writeflushOp();
    const chunks: string[] = [];
    let chunked = 0;
    let remaining: string | null = null;
    let line: string | null = null;
    let start = 0;
    let endpos = 0;
    let offsetToBuffer = 0;
    for (;;) {
      let more = true;
      while (this.decodedChars === null || this.decodedChars.length === 0) {
        more = yield* this.readChunk(0);
        if (!more) break;
      }
      if (!more) {
        this.setDecodedChars(null);
        start = endpos = offsetToBuffer = 0;
        break;
      }
      if (remaining === null) {
        line = this.decodedChars!;
        start = this.decodedUsed;
        offsetToBuffer = 0;
      } else {
        line = remaining + this.decodedChars!;
        start = 0;
        offsetToBuffer = remaining.length;
        remaining = null;
      }
      const [found, consumed] = this.findLineEnding(line, start);
      if (found >= 0) {
        endpos = found;
        if (limit >= 0 && cpLen(line, start, endpos) + chunked >= limit) endpos = cpAdvance(line, start, limit - chunked);
        break;
      }
      endpos = consumed;
      if (limit >= 0 && cpLen(line, start, endpos) + chunked >= limit) {
        endpos = cpAdvance(line, start, limit - chunked);
        break;
      }
      if (endpos > start) {
        const s = line.slice(start, endpos);
        chunks.push(s);
        chunked += cpLen(s);
      }
      if (endpos < line.length) remaining = line.slice(endpos);
      line = null;
      this.setDecodedChars(null);
    }
    if (line !== null) {
      this.decodedUsed = endpos - offsetToBuffer;
      line = line.slice(start, endpos);
    }
    if (remaining !== null) chunks.push(remaining);
    if (chunks.length) {
      if (line !== null) chunks.push(line);
      line = chunks.join("");
    }
    return line ?? "";
  }

  /** @internal textiowrapper_iternext. */
  *_nextOp(): Op<string | null> {
    const line = yield* this._readlineOp(-1);
    return line.length ? line : null;
  }

  /** write(text): encoded at once (errors show here), buffered until a chunk's worth. Returns
   * the number of characters (code points, as Python counts them). */
  write(text: string): Ret<A, number> {
    exactlyOne("TextIOWrapper.write", arguments.length);
    const s = this.textArg(text);
    return this._run(this._writeLane, () => this._writeOp(s));
  }

  private textArg(text: unknown): string {
    if (typeof text !== "string") throw new TypeError(`write() argument must be str, not ${argTypeName(text)}`);
    return text;
  }

  /** @internal */ *_writeAnyOp(line: unknown): Op<number> {
    return yield* this._writeOp(this.textArg(line));
  }

  private *_writeOp(text: string): Op<number> {
    this._checkClosed();
    if (!this.canWrite) throw new UnsupportedOperation("not writable");
    const textlen = cpLen(text);
    if (this.writenl !== null && text.includes("\n")) text = text.replace(/\n/g, this.writenl);
    const b = encodeText(this.codec, this.errors, text);
    // A big write goes out on its own, not joined to what is pending (CPython gh-87426).
    if (b.length >= CHUNK_SIZE) {
      while (this.pending.length) yield* this._writeflushOp();
    }
    this.pending.push(b);
    this.pendingCount += b.length;
    if (this.pendingCount >= CHUNK_SIZE) yield* this._writeflushOp();
    // CPython 3.11 drops decoded text not yet read, and the decoder's state, on every write.
    this.setDecodedChars(null);
    this.decoder?.reset();
    return textlen;
  }

  flush(): Ret<A, null> {
    noArgs("TextIOWrapper.flush", arguments.length);
    return this._run(this._writeLane, () => none(this._flushOp()));
  }

  private *_flushOp(): Op<void> {
    this._checkClosed();
    yield* this._writeflushOp();
    yield* this._buffer._flushOp();
  }

  close(): Ret<A, null> {
    noArgs("TextIOWrapper.close", arguments.length);
    return this._run(this._closeLane(), () => none(this._closeOp()));
  }

  /** @internal TextIOWrapper.close: flush, then close the buffer; the flush's error is raised
   * unless closing raised its own. */
  *_closeOp(): Op<void> {
    if (this._buffer.closed) return;
    let flushError: unknown = null;
    try {
      yield* this._flushOp();
    } catch (err) {
      flushError = err;
    }
    yield* this._buffer._closeOp();
    if (flushError) throw flushError;
  }

  /** @internal */ _closeLane(): Lane {
    return this._buffer._closeLane();
  }
}

