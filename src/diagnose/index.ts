/**
 * `puretls/diagnose`: see why a connection fails and how TLS works, from its trace events.
 * - `traceFacts(events)`: what the client saw (offered, answered, the chain, verdicts, alerts);
 * - `explainFailure(error, facts, ctx)`: the most likely cause and the fix, in option terms;
 * - `summarizeChain(ders, verdicts)`: each certificate as a person reads it;
 * - `JsonTracer`: every event as a JSON object (docs/trace-schema.json, version 1);
 * - `dissectRecord` / `dissectHandshake`: bytes split into the RFC's named fields;
 * - `traceToHtml(jsonEvents)`: one self-contained page teaching a real handshake.
 */
export { traceFacts, certificatesOfMessage, type TraceFacts } from './trace.js';
export { explainFailure, diagnosisText, type Diagnosis, type Fix, type OptionRef, type ExplainContext } from './explain.js';
export { summarizeChain, fingerprint, type CertSummary, type CertVerdict } from './certs.js';
export { JsonTracer, TRACE_SCHEMA_VERSION, TRACE_SCHEMA_ID, type JsonTraceEvent, type JsonTraceOptions } from './json-trace.js';
export { dissectRecord, dissectHandshake, type Field } from './dissect.js';
export { traceToHtml, type HtmlPageOptions } from './html.js';
export { recognizePeer, type PeerProtocol } from './peer-bytes.js';
