/**
 * One self-contained HTML page that teaches a real handshake: a ladder diagram of the flights,
 * every record's bytes annotated field by field (header, ciphertext and tag, and what a
 * protected record decrypts to, dissected as handshake messages), and the key schedule as a
 * learner draws it (RFC 8446 §7.1). Made from JSON trace objects (json-trace.ts), so it works
 * for `puretls demo --html` and for any saved `--trace json` (`puretls trace --html`).
 * No script, no external resource: it opens offline and prints.
 */
import { dissectHandshake, type Field } from './dissect.js';
import type { JsonTraceEvent } from './json-trace.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fromHex(h: string): Uint8Array {
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function title(name: string): string {
  return name
    .split('_')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join('');
}

const PALETTE = ['#fde68a', '#bfdbfe', '#bbf7d0', '#fbcfe8', '#ddd6fe', '#fed7aa', '#a5f3fc', '#e9d5ff', '#d9f99d', '#fecaca'];

/** The leaves of a field tree, each with its path, for colouring bytes. */
function leaves(fields: Field[], path: string[] = [], out: Array<{ f: Field; path: string[] }> = []): Array<{ f: Field; path: string[] }> {
  for (const f of fields) {
    if (f.children && f.children.length > 0) leaves(f.children, [...path, f.name], out);
    else out.push({ f, path: [...path, f.name] });
  }
  return out;
}

/** Bytes as a hex grid, each byte coloured by the leaf field that owns it (title: the field's path). */
function hexGrid(bytes: Uint8Array, fields: Field[], base = 0): string {
  const owner: number[] = new Array(bytes.length).fill(-1);
  const ls = leaves(fields);
  ls.forEach(({ f }, i) => {
    for (let k = f.offset - base; k < f.offset - base + f.length && k < bytes.length; k++) if (k >= 0) owner[k] = i;
  });
  let html = '<div class="hex">';
  let i = 0;
  while (i < bytes.length) {
    const o = owner[i]!;
    let j = i;
    while (j < bytes.length && owner[j] === o) j++;
    const label = o >= 0 ? `${ls[o]!.path.join(' › ')}${ls[o]!.f.value !== undefined ? ` = ${ls[o]!.f.value}` : ''}` : '';
    const color = o >= 0 ? PALETTE[o % PALETTE.length] : '#eee';
    let text = '';
    for (let k = i; k < j; k++) text += bytes[k]!.toString(16).padStart(2, '0') + ' ';
    html += `<span class="f" style="background:${color}" title="${esc(label)}">${text}</span>`;
    i = j;
  }
  return html + '</div>';
}

/** The field tree as nested lists: name, offset, length, value. */
function fieldTree(fields: Field[]): string {
  let html = '<ul class="fields">';
  for (const f of fields) {
    html += `<li><span class="fname">${esc(f.name)}</span> <span class="off">[${f.offset}+${f.length}]</span>`;
    if (f.value !== undefined) html += ` <span class="val">${esc(f.value)}</span>`;
    if (f.children?.length) html += fieldTree(f.children);
    html += '</li>';
  }
  return html + '</ul>';
}

/** Handshake messages inside a record's content (one record may carry several). */
function messagesIn(content: Uint8Array, tls13: boolean): string {
  let html = '';
  let off = 0;
  while (off + 4 <= content.length) {
    const len = (content[off + 1]! << 16) | (content[off + 2]! << 8) | content[off + 3]!;
    const end = Math.min(content.length, off + 4 + len);
    const msg = content.subarray(off, end);
    const fields = dissectHandshake(msg, tls13);
    const name = fields[0]?.value ?? 'message';
    html += `<div class="msg"><h4>${esc(name)}${end - off < 4 + len ? ' (continues in the next record)' : ''}</h4>${hexGrid(msg, fields)}<details><summary>fields</summary>${fieldTree(fields)}</details></div>`;
    off = end;
  }
  return html;
}

function ladder(events: JsonTraceEvent[]): string {
  const msgs = events.filter((e) => e.type === 'message' || e.type === 'alert' || (e.type === 'record' && e['contentType'] === 'application_data'));
  const rowH = 34;
  const w = 640;
  const h = 60 + msgs.length * rowH;
  let readEnc = false;
  let writeEnc = false;
  let svg = `<svg class="ladder" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`;
  svg += '<defs><marker id="arr" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="#333"/></marker></defs>';
  svg += `<text x="80" y="20" text-anchor="middle" font-weight="bold">Client (puretls)</text><text x="${w - 80}" y="20" text-anchor="middle" font-weight="bold">Server</text>`;
  svg += `<line x1="80" y1="28" x2="80" y2="${h - 4}" stroke="#555"/><line x1="${w - 80}" y1="28" x2="${w - 80}" y2="${h - 4}" stroke="#555"/>`;
  let y = 50;
  // Encryption state follows the key events in order.
  let k = 0;
  const keys = events.filter((e) => e.type === 'key');
  for (const m of msgs) {
    while (k < keys.length && keys[k]!.seq < m.seq) {
      const label = String(keys[k]!['label']);
      if (label.startsWith('read key')) readEnc = true;
      if (label.startsWith('write key')) writeEnc = true;
      k++;
    }
    const sent = m['direction'] === 'sent';
    const enc = sent ? writeEnc : readEnc;
    const name =
      m.type === 'message' ? title(String(m['name'])) : m.type === 'alert' ? `Alert ${String(m['level'])} ${String(m['description'])}` : 'ApplicationData';
    const label = `${enc && m['name'] !== 'change_cipher_spec' ? `{${name}}` : name}${m.type === 'message' ? ` ${String(m['length'])} B` : ''}`;
    const [x1, x2] = sent ? [84, w - 84] : [w - 84, 84];
    const color = enc ? '#2563eb' : '#333';
    svg += `<g class="arrow" data-name="${esc(name)}"><line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="${color}" stroke-width="1.6" marker-end="url(#arr)"/>`;
    svg += `<text x="${w / 2}" y="${y - 6}" text-anchor="middle" fill="${color}" font-size="13">${esc(label)}</text></g>`;
    y += rowH;
  }
  return svg + '</svg>';
}

/** One box of the key schedule: the secret's name, its short value when the trace has it. */
function box(label: string, keys: Map<string, JsonTraceEvent>, cls = 'secret'): string {
  const k = keys.get(label);
  const v = k && typeof k['secret'] === 'string' ? `<code>${esc(String(k['secret']).slice(0, 16))}…</code>` : '';
  return `<div class="${cls}${k ? ' seen' : ''}" data-secret="${esc(label)}"><b>${esc(label)}</b>${v}</div>`;
}

/**
 * RFC 8446 §7.1 as a learner draws it: the main chain (early → handshake → master secret) down
 * the middle, what goes in on the left (PSK or zeros, the (EC)DHE shared secret, zeros), and the
 * traffic secrets branching off to the right, each with the formula the client reported.
 */
function keySchedule(events: JsonTraceEvent[]): string {
  const all = events.filter((e) => e.type === 'key' && !String(e['label']).includes(' key: '));
  if (all.length === 0) return '<p>No key derivations in this trace.</p>';
  const keys = new Map(all.map((k) => [String(k['label']), k]));
  const formula = (l: string): string => (keys.get(l) ? `<div class="from">${esc(String(keys.get(l)!['from']))}</div>` : '');
  let html = '';
  if (keys.has('handshake_secret')) {
    const row = (input: string, main: string, branches: string[]): string =>
      `<div class="ks-row"><div class="ks-in">${input}</div><div class="ks-arrow">→</div><div class="ks-main">${box(main, keys)}${formula(main)}</div>` +
      `<div class="ks-branches">${branches.map((b) => `<div class="ks-branch">↳ ${box(b, keys, 'secret small')}${formula(b)}</div>`).join('')}</div></div>`;
    const down = '<div class="ks-down">│ Derive-Secret(., "derived", "")<br>▼</div>';
    html += '<div class="ks" id="key-schedule">';
    html += [
      row('PSK (or 0)', 'early_secret', []),
      row('(EC)DHE shared secret', 'handshake_secret', ['client_handshake_traffic_secret', 'server_handshake_traffic_secret']),
      row('0', 'master_secret', ['client_application_traffic_secret_0', 'server_application_traffic_secret_0', 'exporter_master_secret', 'resumption_master_secret']),
    ].join(down);
    html += '</div>';
  } else {
    html += '<div class="ks" id="key-schedule"><ol class="keys">';
    for (const k of all) html += `<li>${box(String(k['label']), keys)}<div class="from">${esc(String(k['from']))}</div></li>`;
    html += '</ol></div>';
  }
  const changes = events.filter((e) => e.type === 'key' && String(e['label']).includes(' key: '));
  if (changes.length) {
    html += '<p>Record protection changes, in order:</p><ul>';
    for (const c of changes) html += `<li>${esc(String(c['label']))}</li>`;
    html += '</ul>';
  }
  return html;
}

function recordsSection(events: JsonTraceEvent[]): string {
  let tls13 = false;
  let html = '';
  let n = 0;
  for (const e of events) {
    if (e.type === 'message' && e['name'] === 'encrypted_extensions') tls13 = true;
    if (e.type === 'message' && e['name'] === 'server_hello' && /supported_versions/.test(JSON.stringify(e['fields'] ?? ''))) tls13 = true;
    if (e.type !== 'record' || typeof e['hex'] !== 'string') continue;
    n++;
    const raw = fromHex(e['hex']);
    const fields = (e['fields'] as Field[] | undefined) ?? [];
    const sent = e['direction'] === 'sent';
    const ct = String(e['contentType']);
    html += `<section class="record ${sent ? 'sent' : 'received'}"><h3>Record ${n}: ${sent ? 'client → server' : 'server → client'}, ${esc(ct)}, ${raw.length} bytes${e['encrypted'] ? ', encrypted' : ''}</h3>`;
    html += hexGrid(raw, fields);
    html += `<details><summary>record fields</summary>${fieldTree(fields)}</details>`;
    const content = typeof e['plaintextHex'] === 'string' ? fromHex(e['plaintextHex']) : e['encrypted'] ? undefined : raw.subarray(5);
    if (e['encrypted'] && content) html += `<p class="dec">decrypts to ${content.length} bytes of ${esc(ct)}:</p>`;
    if (content && ct === 'handshake') html += messagesIn(content, tls13);
    else if (content && ct === 'application_data') {
      const text = new TextDecoder().decode(content);
      html += `<pre class="app">${esc(text)}</pre>`;
    } else if (content && ct === 'alert' && content.length === 2) {
      html += `<p class="dec">alert level ${content[0]}, description ${content[1]}</p>`;
    }
    html += '</section>';
  }
  return html;
}

const CSS = `
body{font-family:system-ui,sans-serif;margin:24px;max-width:1100px;color:#111}
h1{font-size:22px} h2{margin-top:32px;border-bottom:1px solid #ccc}
.ladder{border:1px solid #ddd;background:#fafafa}
.hex{font-family:ui-monospace,monospace;font-size:12px;line-height:1.7;word-break:break-all}
.hex .f{padding:1px 0;border-radius:2px}
.record{border:1px solid #ddd;border-radius:6px;padding:8px 12px;margin:12px 0}
.record.sent{border-left:6px solid #16a34a}.record.received{border-left:6px solid #2563eb}
.msg{margin:8px 0 8px 16px;padding-left:8px;border-left:3px solid #999}
.msg h4{margin:4px 0}
.fields{font-size:12px;font-family:ui-monospace,monospace}
.fname{font-weight:bold}.off{color:#888}.val{color:#7c2d12}
.from{font-family:ui-monospace,monospace;font-size:11px;color:#555}
.ks-row{display:flex;align-items:flex-start;gap:8px}.ks-in{width:150px;text-align:right;padding-top:6px;color:#7c2d12}
.ks-arrow{padding-top:6px}.ks-main{width:300px}.ks-branches{flex:1}
.secret{border:1px solid #2563eb;border-radius:4px;padding:4px 6px;background:#eff6ff}.secret.small{display:inline-block}
.secret:not(.seen){opacity:.45}.secret code{margin-left:6px;font-size:11px}
.ks-down{margin-left:315px;color:#2563eb;font-size:12px;line-height:1.2}
pre.app{background:#f4f4f4;padding:8px}
.dec{font-style:italic;color:#444}
`;

export interface HtmlPageOptions {
  title?: string;
  /** A line under the title (the handshake summary). */
  subtitle?: string;
}

export function traceToHtml(events: JsonTraceEvent[], opts: HtmlPageOptions = {}): string {
  const t = opts.title ?? 'A TLS handshake, byte by byte';
  const done = events.find((e) => e.type === 'handshake-complete');
  const err = events.find((e) => e.type === 'error');
  const outcome = done
    ? `Handshake complete: ${esc(String((done["info"] as Record<string, unknown>)["protocol"]))} ${esc(String((done['info'] as Record<string, unknown>)['cipher']))}`
    : err
      ? `Failed: ${esc(String(err['code']))}: ${esc(String(err['explanation']))}`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(t)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(t)}</h1>
${opts.subtitle ? `<p>${esc(opts.subtitle)}</p>` : ''}
<p id="outcome">${outcome}</p>
<p>Made by puretls from a real connection: every byte below was on the wire. Hover a byte for its field; {braces} mark encrypted messages.</p>
<h2>The flight, as a ladder</h2>
${ladder(events)}
<h2>The key schedule</h2>
${keySchedule(events)}
<h2>Every record, field by field</h2>
${recordsSection(events)}
</body></html>
`;
}
