/**
 * Crypto providers (design.md, "src/crypto — a provider seam"). noble is the default and is
 * synchronous. An asynchronous provider (WebCrypto: webcrypto.ts) takes over some primitive
 * operations — signature verification, ECDH key pairs and shared secrets — and leaves the rest
 * to noble.
 *
 * How an asynchronous result reaches synchronous code, with the core staying sans-IO: the
 * connection runs each handshake step (a state handling one message, or the first ClientHello)
 * inside `runStep`. The first time a step reaches a provider operation, the operation is started
 * and `OperationPending` is thrown; the connection keeps the message, enters the waiting state
 * (`PendingOperation` kind 'crypto'), and the driver awaits the operation and calls
 * `completeOperation(value)`. The connection then runs the same step again: every operation
 * already settled returns its recorded value, in order, and the step goes one operation further
 * — until it completes. This is BoringSSL's asynchronous private-key model
 * (ssl_private_key_retry: the handshake function is entered again and picks up the result), and
 * it needs the steps to do their crypto before their side effects, which they do: a state checks,
 * then records, then sends. Randomness drawn during a step is recorded and replayed too, so a
 * step run twice draws the same bytes (a fixed random source gives the same handshake with
 * either provider). Events a step emits before it waits are held and dropped (its re-run emits
 * them again).
 */
import type { PublicKey, SignatureAlgorithm } from './types.js';

/** The `crypto` option: noble (default) or WebCrypto where the runtime has it. */
export type CryptoProviderName = 'noble' | 'webcrypto';

/**
 * The operations an asynchronous provider may take over. Each returns undefined when it does not
 * cover the case (an algorithm, curve or group the runtime lacks): noble does it then.
 */
export interface AsyncCryptoProvider {
  readonly name: CryptoProviderName;
  /**
   * ECDSA verification of `message` (hashed with `hash`) with an uncompressed public point; the
   * signature is r || s. The caller has already parsed and range-checked the DER signature.
   */
  verifyEcdsa(curve: string, point: Uint8Array, hash: string, message: Uint8Array, rs: Uint8Array): Promise<boolean> | undefined;
  /** RSA PKCS#1 v1.5 / PSS verification (the caller checked the key's PSS restrictions). */
  verifyRsa(alg: Extract<SignatureAlgorithm, { kind: 'rsa-pkcs1' | 'rsa-pss' }>, key: Extract<PublicKey, { kind: 'rsa' }>, message: Uint8Array, signature: Uint8Array): Promise<boolean> | undefined;
  /** The public value of an ECDH private key (x25519: 32 bytes; NIST: the uncompressed point). */
  ecdhPublicKey(group: string, privateKey: Uint8Array): Promise<Uint8Array> | undefined;
  /** The raw ECDH shared secret (NIST: the x-coordinate); rejects an invalid peer value. */
  ecdhShared(group: string, privateKey: Uint8Array, peerPublic: Uint8Array): Promise<Uint8Array> | undefined;
}

/** Thrown out of a step that must wait for `result`; the connection catches it (never the user). */
export class OperationPending extends Error {
  constructor(
    readonly description: string,
    readonly result: Promise<unknown>,
  ) {
    super(`waiting for ${description}`);
  }
}

/** The value given to completeOperation when the operation failed (failOperation). */
export class OperationFailure {
  constructor(readonly error: unknown) {}
}

type Entry = { kind: 'op'; key: string; settled: boolean; ok: boolean; value: unknown } | { kind: 'random'; bytes: Uint8Array };

/** One connection's provider and the recorded results of the step in progress. */
export class CryptoSession {
  private entries: Entry[] = [];
  private cursor = 0;
  private running = false;
  constructor(readonly provider: AsyncCryptoProvider) {}

  /**
   * Run one step. Returns its value, or throws OperationPending (the step will be run again
   * after `settle`), or the step's own error. The entries are kept only while the step waits.
   */
  run<T>(fn: () => T): T {
    const prev = active;
    active = this;
    this.running = true;
    this.cursor = 0;
    try {
      const v = fn();
      this.entries = [];
      return v;
    } catch (e) {
      if (!(e instanceof OperationPending)) this.entries = [];
      throw e;
    } finally {
      this.running = false;
      active = prev;
    }
  }

  /** The pending operation's outcome (completeOperation / failOperation). */
  settle(value: unknown): void {
    const last = this.entries[this.entries.length - 1];
    if (!last || last.kind !== 'op' || last.settled) throw new Error('crypto provider: no operation is pending');
    last.settled = true;
    last.ok = !(value instanceof OperationFailure);
    last.value = value instanceof OperationFailure ? value.error : value;
  }

  /** Randomness inside a step: recorded the first time, replayed when the step runs again. */
  random(n: number, source: (n: number) => Uint8Array): Uint8Array {
    if (!this.running) return source(n);
    const e = this.entries[this.cursor];
    if (e) {
      if (e.kind !== 'random' || e.bytes.length !== n) throw new Error('crypto provider: a step did not repeat its random draws');
      this.cursor++;
      return e.bytes.slice();
    }
    const bytes = source(n);
    this.entries.push({ kind: 'random', bytes: bytes.slice() });
    this.cursor++;
    return bytes;
  }

  /** An operation of the provider: its recorded outcome, or start it and wait. */
  call<T>(key: string, description: string, start: (p: AsyncCryptoProvider) => Promise<T> | undefined): T | undefined {
    const e = this.entries[this.cursor];
    if (e) {
      if (e.kind !== 'op' || e.key !== key || !e.settled) throw new Error(`crypto provider: a step did not repeat its operations (${description})`);
      this.cursor++;
      if (!e.ok) throw e.value;
      return e.value as T;
    }
    const p = start(this.provider);
    if (p === undefined) return undefined;
    this.entries.push({ kind: 'op', key, settled: false, ok: false, value: undefined });
    throw new OperationPending(description, p);
  }
}

let active: CryptoSession | undefined;

/** The session of the step running now (undefined: noble, synchronously). */
export function activeCrypto(): CryptoSession | undefined {
  return active;
}

/** Run `fn` to completion outside the connection (tests, tools): await every operation it starts. */
export async function runAsync<T>(session: CryptoSession, fn: () => T): Promise<T> {
  for (;;) {
    try {
      return session.run(fn);
    } catch (e) {
      if (!(e instanceof OperationPending)) throw e;
      let v: unknown;
      try {
        v = await e.result;
      } catch (err) {
        v = new OperationFailure(err);
      }
      session.settle(v);
    }
  }
}

/** A short, non-secret key for an operation's inputs (to check that a re-run repeats it). */
export function opKey(kind: string, ...parts: Uint8Array[]): string {
  let s = kind;
  for (const p of parts) {
    s += ':' + p.length + '/';
    for (let i = 0; i < Math.min(8, p.length); i++) s += p[i]!.toString(16);
  }
  return s;
}
