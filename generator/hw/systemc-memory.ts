/**
 * The memory's behaviour in SystemC (generated/systemc/memory.h), the C++
 * counterpart of hwmodel/model/memory.ts: a 4-way set-associative LRU
 * cache in front of one DRAM channel (tables.h's dram_channel, the
 * TypeScript model's hwmodel/timing/dram-channel.ts with spec/hw/platform's
 * figures). An access whose lines are all cached costs the hit latency and
 * its bytes at the bandwidth; one that misses a line is booked on the DRAM
 * channel, which every port shares, its data the latency after its bus
 * time; b_transport annotates the wait rather than waiting (the hwmodel's
 * bTransportNow).
 */
export const MEMORY_BEHAVIOUR = String.raw`  static constexpr unsigned ways = 4;
  std::vector<std::vector<std::uint64_t>> cache_sets;
  dtls13_engine::dram_channel dram;

  void start_of_simulation() override {
    std::uint64_t sets = cache_size / line_size / ways;
    cache_sets.assign(sets < 1 ? 1 : sets, {});
    dram = dtls13_engine::dram_channel(bandwidth);
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

  static std::uint64_t round_ps(double v) { return static_cast<std::uint64_t>(std::floor(v + 0.5)); }

  // When an access of bytes at address, starting at (ps), ends (ps): a hit at the cache, a miss through the DRAM.
  std::uint64_t finish(std::uint64_t address, std::uint64_t bytes, std::uint64_t at) {
    bool missed = false;
    std::uint64_t first = address / line_size, last = (address + bytes - 1) / line_size;
    for (std::uint64_t line = first; line <= last; line++) if (!lookup(line)) missed = true;
    if (!missed) return at + round_ps(static_cast<double>(hit_latency.value()) + static_cast<double>(bytes) * ((8 * 1e12) / bandwidth));
    return round_ps(dram.book(static_cast<double>(at) / 1000, bytes) * 1000) + latency.value();
  }

  void b_transport_port(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    (void)id;
    std::uint64_t bytes = gp.get_data_length() < 1 ? 1 : gp.get_data_length();
    std::uint64_t now = sc_core::sc_time_stamp().value();
    delay = sc_core::sc_time(static_cast<double>(finish(gp.get_address(), bytes, now + delay.value()) - now), sc_core::SC_PS);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
`;
