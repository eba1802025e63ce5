/**
 * The memory's behaviour in SystemC (generated/systemc/memory.h), the C++
 * counterpart of hwmodel/model/memory.ts and hwmodel/timing/memory.ts: a
 * 4-way set-associative LRU cache; an access is one burst costing the hit
 * or miss latency plus its bytes at the memory bandwidth, served on one of
 * `port.size()` lanes first come, first served; b_transport annotates the
 * wait rather than waiting (the hwmodel's bTransportNow).
 */
export const MEMORY_BEHAVIOUR = String.raw`  static constexpr unsigned ways = 4;
  std::vector<std::vector<std::uint64_t>> cache_sets;
  dtls13_engine::lane_pool port_lanes;

  void start_of_simulation() override {
    std::uint64_t sets = cache_size / line_size / ways;
    cache_sets.assign(sets < 1 ? 1 : sets, {});
    port_lanes = dtls13_engine::lane_pool(static_cast<unsigned>(port.size()));
  }

  // Whether the line was cached; it becomes the most recently used either way.
  bool lookup(std::uint64_t line) {
    std::vector<std::uint64_t>& set = cache_sets[line % cache_sets.size()];
    for (std::size_t i = 0; i < set.size(); i++) {
      if (set[i] != line) continue;
      set.erase(set.begin() + static_cast<std::ptrdiff_t>(i));
      set.push_back(line);
      return true;
    }
    if (set.size() >= ways) set.erase(set.begin());
    set.push_back(line);
    return false;
  }

  // One burst access of the cache model (ps).
  std::uint64_t access(std::uint64_t address, std::uint64_t bytes) {
    double ns = static_cast<double>(bytes) * ((8 * 1e9) / bandwidth);
    bool missed = false;
    std::uint64_t first = address / line_size, last = (address + bytes - 1) / line_size;
    for (std::uint64_t line = first; line <= last; line++) if (!lookup(line)) missed = true;
    ns += missed ? static_cast<double>(latency.value()) / 1000 : static_cast<double>(hit_latency.value()) / 1000;
    return static_cast<std::uint64_t>(std::floor(ns * 1000 + 0.5));
  }

  void b_transport_port(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    (void)id;
    std::uint64_t bytes = gp.get_data_length() < 1 ? 1 : gp.get_data_length();
    std::uint64_t t = access(gp.get_address(), bytes) + delay.value();
    std::uint64_t now = sc_core::sc_time_stamp().value();
    delay = sc_core::sc_time(static_cast<double>(t == 0 ? 0 : port_lanes.reserve(now, t) - now), sc_core::SC_PS);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
`;
