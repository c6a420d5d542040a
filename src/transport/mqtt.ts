/**
 * `puretls/mqtt`: a stream builder for MQTT.js's `MqttClient`, so `mqtts` runs over puretls.
 *
 *   import { MqttClient } from 'mqtt';
 *   import { mqttStreamBuilder } from 'puretls/mqtt';
 *   const client = new MqttClient(mqttStreamBuilder({ host: 'broker.example', port: 8883, ca }), { clientId: 'me' });
 *
 * MQTT.js calls the builder synchronously for every (re)connection and listens for 'error'
 * and 'close' on what it gets: a failed handshake reaches it as an 'error' (TlsError), as with
 * node:tls. MQTT.js is not a dependency of puretls.
 */
import { connect } from './node.js';
import type { NodeConnectOptions } from './node-options.js';
import type { TLSSocket } from './tls-socket.js';

export interface MqttTlsOptions extends Omit<NodeConnectOptions, 'socket'> {
  host: string;
  /** Default 8883 (MQTT over TLS). */
  port?: number;
}

export function mqttStreamBuilder(options: MqttTlsOptions): () => TLSSocket {
  return () => connect({ ...options, port: options.port ?? 8883 });
}
