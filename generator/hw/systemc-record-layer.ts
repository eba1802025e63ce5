/**
 * The record layer's buffers in SystemC (generated/systemc/record_layer.h),
 * the C++ counterpart of hwmodel/model/buffers.ts as hwmodel/model/
 * record-layer.ts uses it on the offload platform: the RX ring of
 * `rx_ring_depth` datagrams that drops what arrives when full, and the
 * record pipeline's `pipeline_depth` slots that hold requests back in
 * arrival order (a freed slot handed straight to the request that waited
 * longest). The DTLS work around them (the real connection's calls, the
 * handshake engine, the key reads and crypto commands a slot is held for)
 * has no C++ counterpart: the record layer's traffic comes from an engine
 * trace (hwmodel/cocheck/engine-trace.ts), a slot held for the time the run
 * measured. One SC_THREAD runs the steps from a tlm_utils::peq_with_get in
 * time order, at one time in the order they were queued (as the hwmodel
 * kernel fires timed notifications); a request handed a freed slot goes on
 * a delta later (the model's delta notification of its waiter).
 */
export const RECORD_LAYER_BEHAVIOUR = String.raw`  // One step of the record layer's traffic: a datagram reaching the RX ring, a slot request, a slot given back,
  // a datagram leaving the ring unread (its connection closed).
  struct buffer_step {
    enum kind_t { arrival, request, release, ring_leave } kind = arrival;
    std::uint64_t id = 0;
    bool refused = false;          // arrival: its connection refused (taken and given back at once)
    bool linked = false;           // arrival: a slot request takes it out of the ring
    bool has_left = false;         // arrival: left the ring unread at left_at
    std::uint64_t left_at = 0;
    bool has_ring = false;         // request: the ring entry its grant takes out of the ring
    std::uint64_t ring = 0;
    bool has_hold = false;         // request: how long it holds the slot (none: for ever)
    std::uint64_t hold = 0;
  };

  // The RX ring: datagrams held, entered and dropped.
  unsigned rx_occupancy = 0;
  std::uint64_t rx_entered = 0, rx_dropped = 0;
  std::set<std::uint64_t> rx_linked_in_ring;  // linked entries taken, not yet out of the ring
  // The record pipeline: slots taken (a slot handed to a waiter stays counted), requests held back in arrival order.
  unsigned pipeline_occupancy = 0;
  std::deque<buffer_step*> pipeline_waiters;
  std::uint64_t pipeline_blocked = 0;
  // Requests handed a freed slot: they go on a delta later, in the order the slots were handed.
  std::deque<buffer_step*> handed;
  // Every step, and the steps in time order (at one time in the order they were queued).
  std::deque<buffer_step> buffer_steps;
  tlm_utils::peq_with_get<buffer_step> buffer_queue{"buffer_queue"};
  // What the buffers decided, by id: an arrival 1 taken, 0 dropped; a request the time (ps) it was granted.
  std::map<std::uint64_t, std::uint64_t> buffer_results;

  // Takes a ring slot if one is free; otherwise counts a drop.
  bool rx_try_take() {
    if (rx_occupancy >= rx_ring_depth) return rx_dropped++, false;
    rx_entered++;
    rx_occupancy++;
    return true;
  }
  void rx_give() {
    if (rx_occupancy == 0) SC_REPORT_FATAL("record_layer", "RX ring given back with nothing in it");
    rx_occupancy--;
  }
  // Takes a pipeline slot, or queues the request (false).
  bool pipeline_take(buffer_step* s) {
    if (pipeline_occupancy < pipeline_depth && pipeline_waiters.empty()) return pipeline_occupancy++, true;
    pipeline_waiters.push_back(s);
    pipeline_blocked++;
    return false;
  }
  // Frees a slot: handed to the longest-waiting request, if any.
  void pipeline_give() {
    if (pipeline_occupancy == 0) SC_REPORT_FATAL("record_layer", "pipeline slot given back with none taken");
    if (pipeline_waiters.empty()) {
      pipeline_occupancy--;
      return;
    }
    handed.push_back(pipeline_waiters.front());
    pipeline_waiters.pop_front();
  }

  // A datagram reaching the RX ring at "at" (ps from now).
  void datagram_arrival(std::uint64_t id, std::uint64_t at, bool refused, bool linked, bool has_left, std::uint64_t left_at) {
    buffer_step s;
    s.kind = buffer_step::arrival;
    s.id = id;
    s.refused = refused;
    s.linked = linked;
    s.has_left = has_left;
    s.left_at = left_at;
    queue_step(s, at);
  }
  // A request for a pipeline slot at "at" (ps from now).
  void slot_request(std::uint64_t id, std::uint64_t at, bool has_ring, std::uint64_t ring, bool has_hold, std::uint64_t hold) {
    buffer_step s;
    s.kind = buffer_step::request;
    s.id = id;
    s.has_ring = has_ring;
    s.ring = ring;
    s.has_hold = has_hold;
    s.hold = hold;
    queue_step(s, at);
  }
  void queue_step(const buffer_step& s, std::uint64_t delay) {
    buffer_steps.push_back(s);
    buffer_queue.notify(buffer_steps.back(), sc_core::sc_time(static_cast<double>(delay), sc_core::SC_PS));
  }

  // A request with its slot: its datagram out of the ring, then the slot held (given back at once for a zero hold).
  void granted(buffer_step* s) {
    buffer_results[s->id] = sc_core::sc_time_stamp().value();
    if (s->has_ring && rx_linked_in_ring.erase(s->ring) > 0) rx_give();
    if (!s->has_hold) return;
    if (s->hold == 0) return pipeline_give();
    buffer_step r = *s;
    r.kind = buffer_step::release;
    queue_step(r, s->hold);
  }

  void run_step(buffer_step* s) {
    std::uint64_t now = sc_core::sc_time_stamp().value();
    switch (s->kind) {
      case buffer_step::arrival: {
        bool taken = rx_try_take();
        buffer_results[s->id] = taken ? 1 : 0;
        if (!taken) return;
        if (s->refused) return rx_give();
        if (s->linked) {
          rx_linked_in_ring.insert(s->id);
          return;
        }
        if (!s->has_left) return;
        if (s->left_at <= now) return rx_give();
        buffer_step l = *s;
        l.kind = buffer_step::ring_leave;
        queue_step(l, s->left_at - now);
        return;
      }
      case buffer_step::ring_leave:
        return rx_give();
      case buffer_step::request:
        if (pipeline_take(s)) granted(s);
        return;
      case buffer_step::release:
        return pipeline_give();
    }
  }

  void buffer_thread() {
    for (;;) {
      sc_core::wait(buffer_queue.get_event());
      while (buffer_step* s = buffer_queue.get_next_transaction()) run_step(s);
      // A delta later (the model's waiter event, notified with zero delay): the requests handed a slot, in order.
      while (!handed.empty()) {
        buffer_step* s = handed.front();
        handed.pop_front();
        granted(s);
      }
    }
  }

  // The datagrams, the host's data and the handshake engine's flights come with DTLS work (the real
  // connection's calls) that has no C++ counterpart: accepted here, their buffer traffic replayed from a trace.
  void b_transport_datagrams(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    (void)delay;
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  void b_transport_host(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    (void)delay;
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  void b_transport_flights(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    (void)delay;
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
`;
