/**
 * Jazzer.js 4.0.0's prebuilt libFuzzer addon (fuzzer-linux-x64.node) was linked against glibc
 * 2.38 and GCC 13's libstdc++: it imports `__isoc23_strtol` / `__isoc23_strtoul` (C23 versions
 * that also accept "0b" prefixes) at GLIBC_2.38 and `std::ios_base_library_init()` at
 * GLIBCXX_3.4.32, so it does not load on Debian bookworm (glibc 2.36, GCC 12). Jazzer.js
 * 2.1.0 fetches its addon from GitHub at install time instead (not reachable here).
 *
 * This makes a loadable addon by binding those two imports to the classic `strtol` / `strtoul`
 * (same results for the decimal and hex numbers libFuzzer parses): their names in .dynstr are
 * rewritten, their .gnu.version entries set to "global", and the GLIBC_2.38 requirement in
 * .gnu.version_r marked weak (ld.so then only notes it). Only ELF64 little-endian is handled.
 * The original file is kept beside it as `.orig`. Used by `npm run fuzz` when the addon fails to load.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

const RENAMES: Record<string, string> = {
  __isoc23_strtol: 'strtol',
  __isoc23_strtoul: 'strtoul',
  // GCC 13's libstdc++ makes its iostreams ready through this call; GCC 12's libstdc++ (bookworm)
  // does it by itself when loaded (Node has loaded it already), so a harmless no-argument call stands in.
  _ZSt21ios_base_library_initv: 'getpid',
};
const NEWER = new Set(['GLIBC_2.38', 'GLIBCXX_3.4.32']);
const SHT_DYNSYM = 11;
const SHT_GNU_verneed = 0x6ffffffe;
const SHT_GNU_versym = 0x6fffffff;
const VER_FLG_WEAK = 0x2;

interface Section { type: number; offset: number; size: number; link: number; entsize: number; info: number }

function cstr(b: Buffer, at: number): string {
  let end = at;
  while (b[end] !== 0) end++;
  return b.toString('latin1', at, end);
}

/** Patch `file` in place (keeping the original as `file.orig`); returns what was changed. */
export function patchGlibc238(file: string): string[] {
  const b = readFileSync(existsSync(`${file}.orig`) ? `${file}.orig` : file);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) throw new Error(`${file}: not an ELF64 little-endian file`);
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shentsize = b.readUInt16LE(0x3a);
  const shnum = b.readUInt16LE(0x3c);
  const sections: Section[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    sections.push({
      type: b.readUInt32LE(o + 4), offset: Number(b.readBigUInt64LE(o + 0x18)), size: Number(b.readBigUInt64LE(o + 0x20)),
      link: b.readUInt32LE(o + 0x28), info: b.readUInt32LE(o + 0x2c), entsize: Number(b.readBigUInt64LE(o + 0x38)),
    });
  }
  const dynsym = sections.find((s) => s.type === SHT_DYNSYM)!;
  const dynstr = sections[dynsym.link]!;
  const versym = sections.find((s) => s.type === SHT_GNU_versym)!;
  const verneed = sections.find((s) => s.type === SHT_GNU_verneed)!;
  const changes: string[] = [];
  for (let i = 0; i * dynsym.entsize < dynsym.size; i++) {
    const nameOff = b.readUInt32LE(dynsym.offset + i * dynsym.entsize);
    const name = cstr(b, dynstr.offset + nameOff);
    const to = RENAMES[name];
    if (!to) continue;
    b.write(`${to}\0`, dynstr.offset + nameOff, 'latin1');
    b.writeUInt16LE(1, versym.offset + i * 2); // VER_NDX_GLOBAL
    changes.push(`${name} -> ${to}`);
  }
  // .gnu.version_r: Elf64_Verneed { vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32 },
  // Elf64_Vernaux { vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32 }.
  const vstr = sections[verneed.link]!;
  let vn = verneed.offset;
  for (let n = 0; n < verneed.info; n++) {
    const cnt = b.readUInt16LE(vn + 2);
    let aux = vn + b.readUInt32LE(vn + 8);
    for (let k = 0; k < cnt; k++) {
      const v = cstr(b, vstr.offset + b.readUInt32LE(aux + 8));
      if (NEWER.has(v)) {
        b.writeUInt16LE(b.readUInt16LE(aux + 4) | VER_FLG_WEAK, aux + 4);
        changes.push(`${v} requirement marked weak`);
      }
      aux += b.readUInt32LE(aux + 12);
    }
    vn += b.readUInt32LE(vn + 12);
  }
  if (changes.length > 0) {
    if (!existsSync(`${file}.orig`)) copyFileSync(file, `${file}.orig`);
    writeFileSync(file, b);
  }
  return changes;
}
