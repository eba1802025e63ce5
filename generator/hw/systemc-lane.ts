/**
 * The connection manager's table lookups and the key manager's key
 * derivations in SystemC (generated/systemc/connection_manager.h,
 * key_manager.h): the C++ counterpart of the one lane each books in
 * hwmodel/model/connection-manager.ts and key-manager.ts on the offload
 * platform (hwmodel/model/lanes.ts, first come first served). Their memory
 * accesses follow in the memory (memory.h); what comes before and after
 * (the datagram's connection, its admission, the key derived) is the DTLS
 * work, replayed from an engine trace (hwmodel/cocheck/engine-trace.ts `l`
 * lines). One SC_THREAD books the requests from a tlm_utils::peq_with_get
 * in time order, at one time in the order they were queued.
 */
export function laneBehaviour(what: string, cost: string): string {
  return String.raw`  // One ${what} on the module's lane: ${cost} plus the request's annotated delay (ps).
  struct lane_request {
    std::uint64_t id = 0, service = 0;
  };
  dtls13_engine::lane_pool lane{1};
  std::deque<lane_request> lane_requests;
  tlm_utils::peq_with_get<lane_request> lane_queue{"lane_queue"};
  // When each finished (ps), by id.
  std::map<std::uint64_t, std::uint64_t> lane_finishes;

  // A ${what} of "service" ps, "at" ps from now.
  void lane_request_at(std::uint64_t id, std::uint64_t at, std::uint64_t service) {
    lane_requests.push_back({id, service});
    lane_queue.notify(lane_requests.back(), sc_core::sc_time(static_cast<double>(at), sc_core::SC_PS));
  }

  void lane_thread() {
    for (;;) {
      sc_core::wait(lane_queue.get_event());
      while (lane_request* r = lane_queue.get_next_transaction()) lane_finishes[r->id] = lane.reserve(sc_core::sc_time_stamp().value(), r->service);
    }
  }
`;
}
