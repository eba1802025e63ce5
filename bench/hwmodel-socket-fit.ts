/**
 * The two socket costs `bench -- hwmodel` fits on one real-UDP round of its
 * fit case: `processing.datagramUs`, paid for every datagram sent or
 * received, and `processing.endpointUs`, paid once per connection by each
 * end as it starts (socket, peer entry, timers). Two figures of the round
 * pin them down: the CPU per handshake (both costs add to it) and the mean
 * latency of a burst of clients opened at once (an endpoint's cost comes
 * before any handshake completes, a datagram's is spread over the round,
 * much of it after the last completion: closes and the server's last
 * flights). With the datagram cost alone the model put 10–20 % less of the
 * round before the clients' completions than the real server.
 */

/** What the model or a real round gives for one configuration. */
export interface SocketFigures {
  readonly handshakesPerSecond: number;
  readonly meanLatencyMs: number;
}

/** The fitted costs, µs. */
export interface SocketCosts {
  readonly datagramUs: number;
  readonly endpointUs: number;
}

/** The step each cost is probed with, µs: the model is linear in both over a burst (one CPU, always busy). */
const PROBE_US = 20;

/**
 * The costs under which `predict` (the model's figures for the fit case with
 * those costs) meets `measured`: from the model's figures at no cost and at
 * a probe of each, the two linear equations in µs per handshake and mean
 * latency, solved. A solution with a negative cost (a round the noise of the
 * machine put off that line) keeps the other cost at 0 and fits the CPU per
 * handshake alone.
 */
export function fitSocketCosts(predict: (costs: SocketCosts) => SocketFigures, measured: SocketFigures): SocketCosts {
  const usPerHandshake = (f: SocketFigures): number => 1e6 / f.handshakesPerSecond;
  const base = predict({ datagramUs: 0, endpointUs: 0 });
  const byDatagram = predict({ datagramUs: PROBE_US, endpointUs: 0 });
  const byEndpoint = predict({ datagramUs: 0, endpointUs: PROBE_US });
  // Per µs of each cost: the change of the µs per handshake (h) and of the mean latency (l, ms).
  const hd = (usPerHandshake(byDatagram) - usPerHandshake(base)) / PROBE_US;
  const he = (usPerHandshake(byEndpoint) - usPerHandshake(base)) / PROBE_US;
  const ld = (byDatagram.meanLatencyMs - base.meanLatencyMs) / PROBE_US;
  const le = (byEndpoint.meanLatencyMs - base.meanLatencyMs) / PROBE_US;
  const dh = usPerHandshake(measured) - usPerHandshake(base);
  const dl = measured.meanLatencyMs - base.meanLatencyMs;
  const det = hd * le - he * ld;
  const datagramUs = (dh * le - he * dl) / det;
  const endpointUs = (hd * dl - dh * ld) / det;
  if (Number.isFinite(datagramUs) && Number.isFinite(endpointUs) && datagramUs >= 0 && endpointUs >= 0)
    return { datagramUs, endpointUs };
  // Off the line: one cost, from the CPU per handshake alone (none when the round was cheaper than the model's base).
  const byDatagramAlone = { datagramUs: Math.max(0, dh / hd), endpointUs: 0 };
  const byEndpointAlone = { datagramUs: 0, endpointUs: Math.max(0, dh / he) };
  return datagramUs < 0 ? byEndpointAlone : byDatagramAlone;
}
