// One DRAM channel in the process style, for the SystemC twins (device-twin.cpp, engine-process.cpp): a thread
// serving an sc_fifo of accesses in arrival order. Built from the DRAM's JEDEC figures as spec/hw/platform prints
// them (the description's "dram.*" parameters: tCK in ps, the bus width and burst length, CL, tWTR_S, tFAW, tREFI,
// tRFC in clocks, and the controller's write batch), worked out here on their own:
//
// - data moves in bursts of bus width x burst length bytes, two transfers a clock, at the channel's peak
//   (memory.bandwidth);
// - the controller drains a batch of writes between batches of reads; each round trip costs the bus two clocks
//   (read to write) and tWTR_S + CL (write to read), so only that share of the bus carries data;
// - every access opens a row, and at most four rows open in a tFAW: an access holds the channel at least tFAW / 4;
// - the rank refreshes for tRFC at the end of every tREFI: an access that would start then waits until it ends,
//   and one that runs into it is held for it;
// - the data comes memory.latency after the access's bus time.
#ifndef DTLS13_COCHECK_DRAM_TWIN_H
#define DTLS13_COCHECK_DRAM_TWIN_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <systemc>

struct dram_twin {
  using u64 = std::uint64_t;
  double burst_bytes, data_share, activate_ps, refresh_every_ps, refresh_ps, ps_per_bit;
  u64 latency_ps;
  struct request {
    u64 bytes = 0;
    sc_core::sc_event done;
  };
  sc_core::sc_fifo<request*> queue;

  explicit dram_twin(const std::map<std::string, u64>& p)
      : queue("dram_q", 1 << 20) {
    const double clock_ps = static_cast<double>(p.at("dram.tck_ps"));
    const double burst_length = static_cast<double>(p.at("dram.burst_length"));
    burst_bytes = static_cast<double>(p.at("dram.bus_bytes")) * burst_length;
    // Clocks of data in one read batch and one write batch, against the two bubbles of a round trip.
    const double data_clocks = 2 * static_cast<double>(p.at("dram.write_batch")) * burst_length / 2;
    const double bubble_clocks = 2 + static_cast<double>(p.at("dram.twtr_s")) + static_cast<double>(p.at("dram.cl"));
    data_share = data_clocks / (data_clocks + bubble_clocks);
    activate_ps = static_cast<double>(p.at("dram.tfaw")) * clock_ps / 4;
    refresh_every_ps = static_cast<double>(p.at("dram.trefi")) * clock_ps;
    refresh_ps = static_cast<double>(p.at("dram.trfc")) * clock_ps;
    ps_per_bit = 1e12 / static_cast<double>(p.at("memory.bandwidth"));
    latency_ps = p.at("memory.latency");
    sc_core::sc_spawn([this] { serve(); }, "dram");
  }

  static u64 now() { return sc_core::sc_time_stamp().value(); }
  static sc_core::sc_time ps(double v) { return sc_core::sc_time(static_cast<double>(std::llround(v)), sc_core::SC_PS); }

  void serve() {
    for (;;) {
      request* r = queue.read();
      const double usable = refresh_every_ps - refresh_ps;
      const double into = std::fmod(static_cast<double>(now()), refresh_every_ps);
      if (into >= usable) sc_core::wait(ps(refresh_every_ps - into));
      const double bursts = std::ceil(static_cast<double>(r->bytes) / burst_bytes);
      double hold = std::max(bursts * burst_bytes * 8 * ps_per_bit / data_share, activate_ps);
      if (std::fmod(static_cast<double>(now()), refresh_every_ps) + hold > usable) hold += refresh_ps;
      sc_core::wait(ps(hold));
      r->done.notify(sc_core::sc_time(static_cast<double>(latency_ps), sc_core::SC_PS));
    }
  }

  // Called from a transaction's thread: the access of `bytes`, until its data is there.
  void access(u64 bytes) {
    request r;
    r.bytes = bytes;
    queue.write(&r);
    sc_core::wait(r.done);
  }
};

#endif
