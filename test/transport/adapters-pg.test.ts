/**
 * puretls/pg: node-postgres (the real library) over puretls against a PostgreSQL this test
 * starts (Debian's postgresql: its own initdb / pg_ctl in a temp directory, as the `postgres`
 * user when we are root), with `ssl = on` and only `hostssl ... scram-sha-256` in pg_hba.conf:
 * SSLRequest, the TLS handshake, SCRAM-SHA-256-PLUS channel binding (tls-server-end-point,
 * which needs getPeerCertificate()), then `SELECT 1`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { pgStream, PgTlsStream } from '../../src/transport/pg.js';
import { skipFor } from '../helpers/env.js';
import { freePort } from '../helpers/peers.js';
import { pki, within } from './local-server.js';

/** initdb and pg_ctl: on PATH, or in Debian's /usr/lib/postgresql/<major>/bin. */
function pgBin(): string | null {
  try {
    return join(execFileSync('sh', ['-c', 'dirname "$(command -v initdb)"'], { stdio: 'pipe' }).toString().trim());
  } catch {
    /* not on PATH */
  }
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const majors = readdirSync(base).filter((d) => existsSync(join(base, d, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return majors.length > 0 ? join(base, majors[0]!, 'bin') : null;
}

const bin = pgBin();
const asRoot = process.getuid?.() === 0;
let postgresUid: number | undefined;
let postgresGid: number | undefined;
if (asRoot) {
  const r = spawnSync('id', ['-u', 'postgres']);
  const g = spawnSync('id', ['-g', 'postgres']);
  if (r.status === 0) {
    postgresUid = Number(r.stdout.toString());
    postgresGid = Number(g.stdout.toString());
  }
}
const missing =
  bin === null
    ? 'PostgreSQL (initdb, pg_ctl) is not installed (Debian package postgresql)'
    : asRoot && postgresUid === undefined
      ? 'running as root and there is no postgres user to run the server as'
      : null;

let dir: string | undefined;
let dataDir: string | undefined;
const PASSWORD = 'puretls-test-password';

/** Run a PostgreSQL program (as the postgres user when we are root). */
function run(program: string, args: string[]): void {
  const cmd = join(bin!, program);
  const r = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : spawnSync(cmd, args, { stdio: 'pipe' });
  if (r.status !== 0) throw new Error(`${program} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
}

function own(path: string, mode?: number): void {
  if (asRoot) chownSync(path, postgresUid!, postgresGid!);
  if (mode !== undefined) chmodSync(path, mode);
}

async function startPostgres(): Promise<number> {
  const p = await pki();
  dir = mkdtempSync(join(tmpdir(), 'puretls-pg-'));
  own(dir, 0o700);
  dataDir = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, PASSWORD + '\n');
  own(pwfile, 0o600);
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-sync']);
  writeFileSync(join(dataDir, 'server.crt'), p.leaf.cert);
  writeFileSync(join(dataDir, 'server.key'), p.leaf.key);
  own(join(dataDir, 'server.crt'), 0o644);
  own(join(dataDir, 'server.key'), 0o600);
  const port = await freePort();
  appendFileSync(
    join(dataDir, 'postgresql.conf'),
    [`port = ${port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${dir}'`, 'ssl = on', "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'", 'fsync = off', ''].join('\n'),
  );
  // TLS only, SCRAM only: the server offers SCRAM-SHA-256-PLUS there.
  writeFileSync(join(dataDir, 'pg_hba.conf'), 'hostssl all all 127.0.0.1/32 scram-sha-256\n');
  own(join(dataDir, 'pg_hba.conf'));
  run('pg_ctl', ['-D', dataDir, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  return port;
}

afterAll(() => {
  if (dataDir !== undefined) {
    try {
      run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } catch {
      /* already down */
    }
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipFor(missing, 'pg against PostgreSQL'))('puretls/pg: node-postgres against PostgreSQL with ssl = on', () => {
  it('SSLRequest, TLS, SCRAM-SHA-256-PLUS, SELECT 1', async () => {
    const port = await within(startPostgres(), 90_000, 'PostgreSQL to start');
    const ca = (await pki()).ca.cert;
    const streams: PgTlsStream[] = [];
    let certificateReads = 0;
    const make = pgStream({ ca });
    const client = new pg.Client({
      host: 'localhost',
      port,
      user: 'postgres',
      password: PASSWORD,
      database: 'postgres',
      enableChannelBinding: true,
      stream: () => {
        const s = make();
        const get = s.getPeerCertificate.bind(s);
        s.getPeerCertificate = (detailed?: boolean) => {
          certificateReads++;
          return get(detailed);
        };
        streams.push(s);
        return s;
      },
    } as pg.ClientConfig);
    await within(client.connect(), 30_000, 'pg connect');
    try {
      const one = await within(client.query('SELECT 1 AS one'));
      expect(one.rows).toEqual([{ one: 1 }]);
      // The server's view of the same connection.
      const ssl = await within(client.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()'));
      expect(ssl.rows[0]).toEqual({ ssl: true, version: 'TLSv1.3' });
      // SCRAM-SHA-256-PLUS read the certificate for tls-server-end-point, and the server
      // accepted the binding (authentication succeeded).
      expect(certificateReads).toBeGreaterThan(0);
      expect(streams[0]!.tlsSocket?.authorized).toBe(true);
    } finally {
      await client.end();
    }
  });
});
