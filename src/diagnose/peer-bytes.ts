/**
 * "This is not TLS": recognise what a peer speaks from its first bytes, when they are not a TLS
 * record (a TLS record starts with a content type 20..24 and version 3.x, RFC 8446 §5.1).
 * Plain-text protocols greet or answer with a recognisable line: HTTP's status line, SSH's
 * banner (RFC 4253 §4.2), SMTP/FTP's `220` greeting (RFC 5321 §4.2, RFC 959 §4.2), POP3's
 * `+OK`, IMAP's `* OK`.
 */

export interface PeerProtocol {
  /** Short name: HTTP, SSH, SMTP or FTP, POP3, IMAP, text, binary. */
  name: string;
  /** The first line, printable (at most 60 characters). */
  firstLine: string;
  /** What to do about it, in words (the port that usually carries the TLS version). */
  advice: string;
}

function printable(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x0d || b === 0x0a) break;
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    if (s.length >= 60) break;
  }
  return s;
}

function isText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 16);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (!(b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) return false;
  }
  return n > 0;
}

export function recognizePeer(bytes: Uint8Array): PeerProtocol {
  const line = printable(bytes);
  const hex = [...bytes.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  if (/^HTTP\/\d/.test(line)) {
    return { name: 'HTTP', firstLine: line, advice: 'it looks like plain HTTP — wrong port? (HTTPS is usually on 443)' };
  }
  if (/^SSH-\d/.test(line)) return { name: 'SSH', firstLine: line, advice: 'it is an SSH server — wrong port?' };
  if (/^220[ -]/.test(line)) {
    const kind = /ftp/i.test(line) ? 'FTP' : /smtp|mail|esmtp/i.test(line) ? 'SMTP' : 'SMTP or FTP';
    return {
      name: kind,
      firstLine: line,
      advice:
        `it is a ${kind} greeting: this port starts in plain text and upgrades with STARTTLS/AUTH TLS, which puretls does not speak; ` +
        'use the implicit-TLS port instead (SMTP submissions 465, FTPS 990)',
    };
  }
  if (/^\+OK/.test(line)) return { name: 'POP3', firstLine: line, advice: 'it is a POP3 greeting — the TLS port for POP3 is 995' };
  if (/^\* OK/.test(line)) return { name: 'IMAP', firstLine: line, advice: 'it is an IMAP greeting — the TLS port for IMAP is 993' };
  if (/^RFB \d/.test(line)) return { name: 'VNC', firstLine: line, advice: 'it is a VNC server — wrong port?' };
  if (/^\s*<(!doctype|html|\?xml)/i.test(line)) return { name: 'HTML', firstLine: line, advice: 'it answered with a web page without HTTP — wrong port?' };
  if (isText(bytes)) return { name: 'text', firstLine: line, advice: 'it answered in plain text — wrong port, or a proxy in the way?' };
  return { name: 'binary', firstLine: hex, advice: 'it is not TLS (the first byte is not a TLS content type) — wrong port?' };
}
