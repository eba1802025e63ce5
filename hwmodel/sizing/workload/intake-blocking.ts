/**
 * The public-key lanes a shared intake needs beyond their rate. The
 * crypto engine takes commands through one in-order intake for both units
 * (spec/hw/crypto_engine.yaml queue_depth): a handshake whose public-key
 * queue is full waits at the intake's head, and every record behind it
 * waits too (head-of-line blocking), so the intake ring fills at the
 * records' rate, which is thousands of records in one public-key time.
 * Such a unit is not sized at its rate (100% busy) but so that a
 * handshake rarely finds its queue full.
 *
 * The rule: with Poisson handshakes of offered load `a` erlangs (rate × a
 * handshake's public-key time) on `c` lanes with `queueDepth` places a
 * lane, the share of handshakes that find the queue full is taken from
 * the M/M/c queue, P(waiting ≥ c × queueDepth) = C(c, a) × ρ^(c ×
 * queueDepth) (Erlang C), and each such handshake is taken to stop the
 * intake for a whole public-key time, losing every record that arrives
 * meanwhile (the ring's room not counted). The records lost a record
 * offered are then at most a × that share, which must be within the drop
 * SLO. Exponential service times are an assumption of the formula: the
 * lanes' times are fixed, whose queue is shorter for one lane (a service
 * time of less variance waits less); for several lanes it is an estimate,
 * not a proof, which is why runs long enough still judge the answer.
 */

/** Erlang C: the probability that an arrival waits, on `lanes` servers offered `erlangs` (1 at or past their rate). */
export function erlangC(lanes: number, erlangs: number): number {
  if (lanes < 1 || !Number.isInteger(lanes)) throw new RangeError(`lanes: a whole count ≥ 1 expected, got ${lanes}`);
  if (!(erlangs >= 0)) throw new RangeError(`erlangs: a load ≥ 0 expected, got ${erlangs}`);
  const rho = erlangs / lanes;
  if (rho >= 1) return 1;
  // Erlang B by its recursion (stable for any count), then C from B.
  let b = 1;
  for (let k = 1; k <= lanes; k++) b = (erlangs * b) / (k + erlangs * b);
  return b / (1 - rho * (1 - b));
}

/**
 * The records lost a record offered, at most, when handshakes that find the public-key queue full block the intake:
 * a × C(c, a) × ρ^(c × queueDepth) (the module's rule); 1 at or past the lanes' rate.
 */
export function intakeBlockingBound(erlangs: number, lanes: number, queueDepth: number): number {
  if (erlangs === 0) return 0;
  const rho = erlangs / lanes;
  if (rho >= 1) return 1;
  return Math.min(1, erlangs * erlangC(lanes, erlangs) * rho ** (lanes * queueDepth));
}

/** The fewest public-key lanes (at least their rate's, at least one) whose intake-blocking bound is within `dropSlo`. */
export function pkLanesForIntake(erlangs: number, queueDepth: number, dropSlo: number): number {
  // No count of lanes brings the bound to 0: the search below would not end.
  if (!(dropSlo > 0)) throw new RangeError(`dropSlo: a probability above 0 expected, got ${dropSlo}`);
  let c = Math.max(1, Math.ceil(erlangs));
  while (intakeBlockingBound(erlangs, c, queueDepth) > dropSlo) c++;
  return c;
}

/** The rule as the answer's caveat states it, for `lanes` public-key lanes offered `erlangs`. */
export function intakeBlockingText(erlangs: number, lanes: number, queueDepth: number, dropSlo: number): string {
  const rateLanes = Math.max(1, Math.ceil(erlangs));
  return (
    `public-key lanes held below their rate: a handshake whose public-key queue is full blocks the shared in-order intake ` +
    `(spec/hw/crypto_engine.yaml queue_depth), so the search starts at, and never trims below, the fewest lanes whose ` +
    `records lost to it, a × C(c, a) × ρ^(c × queue_depth) (M/M/c, each blocking a whole public-key time), are within the drop SLO ` +
    `${dropSlo}: a = ${erlangs.toFixed(2)} erlangs, queue_depth ${queueDepth}, ${lanes} lanes ` +
    `(${((erlangs / lanes) * 100).toFixed(1)}% busy, bound ${intakeBlockingBound(erlangs, lanes, queueDepth).toExponential(2)}); ` +
    `at their rate, ${rateLanes} (${((erlangs / rateLanes) * 100).toFixed(1)}% busy), the bound is ` +
    `${intakeBlockingBound(erlangs, rateLanes, queueDepth).toExponential(2)}`
  );
}
